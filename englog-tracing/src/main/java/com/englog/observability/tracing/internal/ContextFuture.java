package com.englog.observability.tracing.internal;

import io.opentelemetry.context.Context;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A {@link CompletableFuture} whose every dependent stage runs in the OpenTelemetry context that was
 * current when the stage was attached, on whatever thread completes it (the completing pool thread,
 * the common pool, an executor). Dependent futures are {@code ContextFuture}s too, so a whole chain
 * built on a request thread stays in that request's trace.
 *
 * <p>Not public API.
 */
public final class ContextFuture<T> extends CompletableFuture<T> {

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new ContextFuture<>();
  }

  /** A context future completed when {@code source} completes, with its result or exception. */
  public static <T> ContextFuture<T> of(CompletionStage<T> source) {
    ContextFuture<T> future = new ContextFuture<>();
    source.whenComplete((value, error) -> {
      if (error != null) {
        future.completeExceptionally(error);
      } else {
        future.complete(value);
      }
    });
    return future;
  }

  private static Context ctx() {
    return Context.current();
  }

  @Override
  public <U> CompletableFuture<U> thenApply(Function<? super T, ? extends U> fn) {
    return super.thenApply(ctx().wrapFunction(fn));
  }

  @Override
  public <U> CompletableFuture<U> thenApplyAsync(Function<? super T, ? extends U> fn) {
    return super.thenApplyAsync(ctx().wrapFunction(fn));
  }

  @Override
  public <U> CompletableFuture<U> thenApplyAsync(Function<? super T, ? extends U> fn, Executor executor) {
    return super.thenApplyAsync(ctx().wrapFunction(fn), executor);
  }

  @Override
  public CompletableFuture<Void> thenAccept(Consumer<? super T> action) {
    return super.thenAccept(ctx().wrapConsumer(action));
  }

  @Override
  public CompletableFuture<Void> thenAcceptAsync(Consumer<? super T> action) {
    return super.thenAcceptAsync(ctx().wrapConsumer(action));
  }

  @Override
  public CompletableFuture<Void> thenAcceptAsync(Consumer<? super T> action, Executor executor) {
    return super.thenAcceptAsync(ctx().wrapConsumer(action), executor);
  }

  @Override
  public CompletableFuture<Void> thenRun(Runnable action) {
    return super.thenRun(ctx().wrap(action));
  }

  @Override
  public CompletableFuture<Void> thenRunAsync(Runnable action) {
    return super.thenRunAsync(ctx().wrap(action));
  }

  @Override
  public CompletableFuture<Void> thenRunAsync(Runnable action, Executor executor) {
    return super.thenRunAsync(ctx().wrap(action), executor);
  }

  @Override
  public <U, V> CompletableFuture<V> thenCombine(
      CompletionStage<? extends U> other, BiFunction<? super T, ? super U, ? extends V> fn) {
    return super.thenCombine(other, ctx().wrapFunction(fn));
  }

  @Override
  public <U, V> CompletableFuture<V> thenCombineAsync(
      CompletionStage<? extends U> other, BiFunction<? super T, ? super U, ? extends V> fn) {
    return super.thenCombineAsync(other, ctx().wrapFunction(fn));
  }

  @Override
  public <U, V> CompletableFuture<V> thenCombineAsync(CompletionStage<? extends U> other,
      BiFunction<? super T, ? super U, ? extends V> fn, Executor executor) {
    return super.thenCombineAsync(other, ctx().wrapFunction(fn), executor);
  }

  @Override
  public <U> CompletableFuture<Void> thenAcceptBoth(
      CompletionStage<? extends U> other, BiConsumer<? super T, ? super U> action) {
    return super.thenAcceptBoth(other, ctx().wrapConsumer(action));
  }

  @Override
  public <U> CompletableFuture<Void> thenAcceptBothAsync(
      CompletionStage<? extends U> other, BiConsumer<? super T, ? super U> action) {
    return super.thenAcceptBothAsync(other, ctx().wrapConsumer(action));
  }

  @Override
  public <U> CompletableFuture<Void> thenAcceptBothAsync(CompletionStage<? extends U> other,
      BiConsumer<? super T, ? super U> action, Executor executor) {
    return super.thenAcceptBothAsync(other, ctx().wrapConsumer(action), executor);
  }

  @Override
  public CompletableFuture<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
    return super.runAfterBoth(other, ctx().wrap(action));
  }

  @Override
  public CompletableFuture<Void> runAfterBothAsync(CompletionStage<?> other, Runnable action) {
    return super.runAfterBothAsync(other, ctx().wrap(action));
  }

  @Override
  public CompletableFuture<Void> runAfterBothAsync(
      CompletionStage<?> other, Runnable action, Executor executor) {
    return super.runAfterBothAsync(other, ctx().wrap(action), executor);
  }

  @Override
  public <U> CompletableFuture<U> applyToEither(
      CompletionStage<? extends T> other, Function<? super T, U> fn) {
    return super.applyToEither(other, ctx().wrapFunction(fn));
  }

  @Override
  public <U> CompletableFuture<U> applyToEitherAsync(
      CompletionStage<? extends T> other, Function<? super T, U> fn) {
    return super.applyToEitherAsync(other, ctx().wrapFunction(fn));
  }

  @Override
  public <U> CompletableFuture<U> applyToEitherAsync(
      CompletionStage<? extends T> other, Function<? super T, U> fn, Executor executor) {
    return super.applyToEitherAsync(other, ctx().wrapFunction(fn), executor);
  }

  @Override
  public CompletableFuture<Void> acceptEither(
      CompletionStage<? extends T> other, Consumer<? super T> action) {
    return super.acceptEither(other, ctx().wrapConsumer(action));
  }

  @Override
  public CompletableFuture<Void> acceptEitherAsync(
      CompletionStage<? extends T> other, Consumer<? super T> action) {
    return super.acceptEitherAsync(other, ctx().wrapConsumer(action));
  }

  @Override
  public CompletableFuture<Void> acceptEitherAsync(
      CompletionStage<? extends T> other, Consumer<? super T> action, Executor executor) {
    return super.acceptEitherAsync(other, ctx().wrapConsumer(action), executor);
  }

  @Override
  public CompletableFuture<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
    return super.runAfterEither(other, ctx().wrap(action));
  }

  @Override
  public CompletableFuture<Void> runAfterEitherAsync(CompletionStage<?> other, Runnable action) {
    return super.runAfterEitherAsync(other, ctx().wrap(action));
  }

  @Override
  public CompletableFuture<Void> runAfterEitherAsync(
      CompletionStage<?> other, Runnable action, Executor executor) {
    return super.runAfterEitherAsync(other, ctx().wrap(action), executor);
  }

  @Override
  public <U> CompletableFuture<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
    return super.thenCompose(ctx().wrapFunction(fn));
  }

  @Override
  public <U> CompletableFuture<U> thenComposeAsync(
      Function<? super T, ? extends CompletionStage<U>> fn) {
    return super.thenComposeAsync(ctx().wrapFunction(fn));
  }

  @Override
  public <U> CompletableFuture<U> thenComposeAsync(
      Function<? super T, ? extends CompletionStage<U>> fn, Executor executor) {
    return super.thenComposeAsync(ctx().wrapFunction(fn), executor);
  }

  @Override
  public <U> CompletableFuture<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
    return super.handle(ctx().wrapFunction(fn));
  }

  @Override
  public <U> CompletableFuture<U> handleAsync(BiFunction<? super T, Throwable, ? extends U> fn) {
    return super.handleAsync(ctx().wrapFunction(fn));
  }

  @Override
  public <U> CompletableFuture<U> handleAsync(
      BiFunction<? super T, Throwable, ? extends U> fn, Executor executor) {
    return super.handleAsync(ctx().wrapFunction(fn), executor);
  }

  @Override
  public CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
    return super.whenComplete(ctx().wrapConsumer(action));
  }

  @Override
  public CompletableFuture<T> whenCompleteAsync(BiConsumer<? super T, ? super Throwable> action) {
    return super.whenCompleteAsync(ctx().wrapConsumer(action));
  }

  @Override
  public CompletableFuture<T> whenCompleteAsync(
      BiConsumer<? super T, ? super Throwable> action, Executor executor) {
    return super.whenCompleteAsync(ctx().wrapConsumer(action), executor);
  }

  @Override
  public CompletableFuture<T> exceptionally(Function<Throwable, ? extends T> fn) {
    return super.exceptionally(ctx().wrapFunction(fn));
  }

  @Override
  public CompletableFuture<T> exceptionallyAsync(Function<Throwable, ? extends T> fn) {
    return super.exceptionallyAsync(ctx().wrapFunction(fn));
  }

  @Override
  public CompletableFuture<T> exceptionallyAsync(Function<Throwable, ? extends T> fn, Executor executor) {
    return super.exceptionallyAsync(ctx().wrapFunction(fn), executor);
  }

  @Override
  public CompletableFuture<T> exceptionallyCompose(
      Function<Throwable, ? extends CompletionStage<T>> fn) {
    return super.exceptionallyCompose(ctx().wrapFunction(fn));
  }

  @Override
  public CompletableFuture<T> exceptionallyComposeAsync(
      Function<Throwable, ? extends CompletionStage<T>> fn) {
    return super.exceptionallyComposeAsync(ctx().wrapFunction(fn));
  }

  @Override
  public CompletableFuture<T> exceptionallyComposeAsync(
      Function<Throwable, ? extends CompletionStage<T>> fn, Executor executor) {
    return super.exceptionallyComposeAsync(ctx().wrapFunction(fn), executor);
  }

  @Override
  public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier) {
    return super.completeAsync(ctx().wrapSupplier(supplier));
  }

  @Override
  public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier, Executor executor) {
    return super.completeAsync(ctx().wrapSupplier(supplier), executor);
  }
}
