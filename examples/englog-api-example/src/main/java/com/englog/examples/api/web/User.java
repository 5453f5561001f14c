package com.englog.examples.api.web;

/** An authenticated caller. */
public record User(String id, Role role) {}
