package com.englog.observability.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;

/**
 * The request as the rest of the chain sees it: when the application goes asynchronous, its
 * {@link AsyncContext} runs {@code start(Runnable)} tasks and its {@link AsyncListener} callbacks with
 * the request's span current and its MDC entries set, and the filter's own listener is registered first.
 */
final class ObservedRequest extends HttpServletRequestWrapper {

  private final Observation observation;

  ObservedRequest(HttpServletRequest request, Observation observation) {
    super(request);
    this.observation = observation;
  }

  @Override
  public AsyncContext startAsync() throws IllegalStateException {
    // The observed response (failed writes, byte counting) must be the one asynchronous writers get.
    AsyncContext async = super.startAsync(this, observation.chainResponse());
    observation.listenTo(async);
    return new TracedAsyncContext(async, observation);
  }

  @Override
  public AsyncContext startAsync(ServletRequest request, ServletResponse response) throws IllegalStateException {
    AsyncContext async = super.startAsync(request, response);
    observation.listenTo(async);
    return new TracedAsyncContext(async, observation);
  }

  @Override
  public AsyncContext getAsyncContext() {
    return new TracedAsyncContext(super.getAsyncContext(), observation);
  }

  /** Delegates everything; wraps tasks and listeners in the request's context. */
  static final class TracedAsyncContext implements AsyncContext {
    private final AsyncContext delegate;
    private final Observation observation;

    TracedAsyncContext(AsyncContext delegate, Observation observation) {
      this.delegate = delegate;
      this.observation = observation;
    }

    @Override
    public ServletRequest getRequest() {
      return delegate.getRequest();
    }

    @Override
    public ServletResponse getResponse() {
      return delegate.getResponse();
    }

    @Override
    public boolean hasOriginalRequestAndResponse() {
      return delegate.hasOriginalRequestAndResponse();
    }

    @Override
    public void dispatch() {
      delegate.dispatch();
    }

    @Override
    public void dispatch(String path) {
      delegate.dispatch(path);
    }

    @Override
    public void dispatch(ServletContext context, String path) {
      delegate.dispatch(context, path);
    }

    @Override
    public void complete() {
      delegate.complete();
    }

    @SuppressWarnings("try") // the scope restores the thread; its body needs no handle
    @Override
    public void start(Runnable run) {
      delegate.start(() -> {
        try (Observation.Entered entered = observation.enter()) {
          run.run();
        }
      });
    }

    @Override
    public void addListener(AsyncListener listener) {
      delegate.addListener(new TracedListener(listener, observation));
    }

    @Override
    public void addListener(AsyncListener listener, ServletRequest request, ServletResponse response) {
      delegate.addListener(new TracedListener(listener, observation), request, response);
    }

    @Override
    public <T extends AsyncListener> T createListener(Class<T> type) throws ServletException {
      return delegate.createListener(type);
    }

    @Override
    public void setTimeout(long timeout) {
      delegate.setTimeout(timeout);
    }

    @Override
    public long getTimeout() {
      return delegate.getTimeout();
    }
  }

  /** An application's listener, called with the request's span current and MDC set. */
  private static final class TracedListener implements AsyncListener {
    private final AsyncListener delegate;
    private final Observation observation;

    TracedListener(AsyncListener delegate, Observation observation) {
      this.delegate = delegate;
      this.observation = observation;
    }

    @SuppressWarnings("try") // the scope restores the thread; its body needs no handle
    @Override
    public void onComplete(AsyncEvent event) throws IOException {
      try (Observation.Entered entered = observation.enter()) {
        delegate.onComplete(event);
      }
    }

    @SuppressWarnings("try") // the scope restores the thread; its body needs no handle
    @Override
    public void onTimeout(AsyncEvent event) throws IOException {
      try (Observation.Entered entered = observation.enter()) {
        delegate.onTimeout(event);
      }
    }

    @SuppressWarnings("try") // the scope restores the thread; its body needs no handle
    @Override
    public void onError(AsyncEvent event) throws IOException {
      try (Observation.Entered entered = observation.enter()) {
        delegate.onError(event);
      }
    }

    @SuppressWarnings("try") // the scope restores the thread; its body needs no handle
    @Override
    public void onStartAsync(AsyncEvent event) throws IOException {
      try (Observation.Entered entered = observation.enter()) {
        delegate.onStartAsync(event);
      }
    }
  }
}
