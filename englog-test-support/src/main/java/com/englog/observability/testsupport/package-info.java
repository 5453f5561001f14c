/**
 * Test-scope helpers shared by every module's tests: real servers on loopback and recording receivers.
 * Not published; not API.
 */
package com.englog.observability.testsupport;
