/**
 * What every EngLog Observability module shares with its users: {@link
 * com.englog.observability.common.Secret}, a token, password or key read from a file or the
 * environment. Everything else of this module is in {@code ….common.internal}.
 *
 * <p>Parameters and return values are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package com.englog.observability.common;

import org.jspecify.annotations.NullMarked;
