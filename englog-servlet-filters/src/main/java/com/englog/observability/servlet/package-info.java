/**
 * jakarta.servlet integration: the observability filter and the metrics and health servlets.
 */
package com.englog.observability.servlet;
