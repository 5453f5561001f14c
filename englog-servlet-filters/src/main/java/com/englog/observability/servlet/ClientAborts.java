package com.englog.observability.servlet;

import java.io.IOException;
import java.util.Locale;

/** Whether an exception says the client went away (Tomcat, Jetty and the JDK word it differently). */
final class ClientAborts {

  private ClientAborts() {}

  static boolean isClientAbort(Throwable t) {
    int depth = 0;
    for (Throwable c = t; c != null && depth < 8; c = c.getCause(), depth++) {
      String name = c.getClass().getName();
      if (name.endsWith(".ClientAbortException") || name.endsWith(".EofException")
          || name.equals("java.nio.channels.ClosedChannelException")) {
        return true;
      }
      if (c instanceof IOException && c.getMessage() != null) {
        String m = c.getMessage().toLowerCase(Locale.ROOT);
        if (m.contains("broken pipe") || m.contains("connection reset") || m.contains("connection abort")
            || m.contains("stream reset") || m.contains("closed")) {
          return true;
        }
      }
    }
    return false;
  }
}
