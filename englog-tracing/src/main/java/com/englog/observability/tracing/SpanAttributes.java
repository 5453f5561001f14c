package com.englog.observability.tracing;

/**
 * Attribute names the helpers and adapters set on spans whose semantic conventions are still in
 * development upstream (GenAI, messaging, end user, session), and {@code englog.*} where no
 * convention fits. The stable ones (the database and HTTP conventions, {@code server.*}, {@code
 * client.*}, {@code url.*}, {@code network.*}, {@code user_agent.original}, {@code error.type}) are
 * those of OpenTelemetry's {@code opentelemetry-semconv} artifact: {@code DbAttributes}, {@code
 * HttpAttributes}, {@code ServerAttributes}, {@code ErrorAttributes} and so on.
 */
public final class SpanAttributes {

  /**
   * GenAI operation, required by the GenAI conventions: {@code chat} unless the instance says
   * otherwise, or the task type itself when it is one of the conventions' operation names
   * ({@code embeddings}, {@code text_completion}, …).
   */
  public static final String GEN_AI_OPERATION_NAME = "gen_ai.operation.name";
  /** AI provider, e.g. {@code openai} (replaces the older {@code gen_ai.system}). */
  public static final String GEN_AI_PROVIDER_NAME = "gen_ai.provider.name";
  /**
   * EngLog's AI task type, e.g. {@code summarize}: not one of GenAI's operation names
   * ({@code chat}, {@code embeddings}, …), so it gets its own attribute.
   */
  public static final String ENGLOG_AI_TASK_TYPE = "englog.ai.task_type";
  /** Queue system of job hand-off spans, e.g. {@code redis}. */
  public static final String MESSAGING_SYSTEM = "messaging.system";
  /** Queue or job type of job hand-off spans. */
  public static final String MESSAGING_DESTINATION_NAME = "messaging.destination.name";
  /** {@code send} (enqueue) or {@code process} (worker); required by the messaging conventions. */
  public static final String MESSAGING_OPERATION_NAME = "messaging.operation.name";
  /** {@code send} (enqueue) or {@code process} (worker). */
  public static final String MESSAGING_OPERATION_TYPE = "messaging.operation.type";

  /**
   * A pseudonymous id of the authenticated user, e.g. an HMAC of the user id with a key of the
   * service's (a plain hash of a small id space can be reversed).
   */
  public static final String ENDUSER_PSEUDO_ID = "enduser.pseudo.id";
  /** The authenticated user's own id: personal data, set only where the service opts in. */
  public static final String ENDUSER_ID = "enduser.id";
  /** The id of the user's session. */
  public static final String SESSION_ID = "session.id";

  private SpanAttributes() {}
}
