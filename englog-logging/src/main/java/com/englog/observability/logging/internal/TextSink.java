package com.englog.observability.logging.internal;

/**
 * The development layout: the same fields as the JSON line on one line, human first.
 * {@code 2024-03-05T14:07:09.123Z INFO  com.example.Journal [main] journal saved user_id=42 error.type=…}:
 * timestamp, level, logger, [thread] and message lead; every other field follows as {@code name=value}
 * (nested objects as dotted names, arrays as {@code [a, b]}); values are quoted when they contain spaces,
 * quotes or '=', and escaped like JSON so CR/LF never start a new line.
 */
public final class TextSink extends LineSink {

  private static final int TOP = 0;
  private static final int FLAT = 1;
  private static final int ARRAY = 2;
  private static final int BRACED = 3;

  private final int[] kinds = new int[MAX_DEPTH + 2];
  private final String[] prefixes = new String[MAX_DEPTH + 2];
  private final boolean[] first = new boolean[MAX_DEPTH + 2];
  private int depth;
  private int header = FieldName.OTHER;
  private boolean lineStart;
  private String lastName = "";
  private final StringBuilder parts = new StringBuilder();

  public TextSink(Utf8Output out) {
    super(out);
  }

  @Override
  public FieldName name(String text, int standard) {
    return new FieldName(text, standard, new byte[0]);
  }

  @Override
  public byte[] encodeValue(String value) {
    Utf8Output tmp = new Utf8Output(value.length() * 6 + 2);
    boolean quote = needsQuotes(value, 0, value.length());
    if (quote) {
      tmp.write((byte) '"');
    }
    tmp.writeEscaped(value, 0, value.length());
    if (quote) {
      tmp.write((byte) '"');
    }
    return tmp.toByteArray();
  }

  @Override
  public void encodedValue(byte[] encoded) {
    int h = header;
    header = FieldName.OTHER;
    if (h != FieldName.OTHER) {
      space();
    }
    out.write(encoded);
    if (h == FieldName.LEVEL) {
      for (int pad = encoded.length; pad < 5; pad++) {
        out.write((byte) ' ');
      }
    }
  }

  @Override
  public void beginLine() {
    depth = 0;
    kinds[0] = TOP;
    prefixes[0] = "";
    lineStart = true;
    header = FieldName.OTHER;
  }

  @Override
  public void endLine(byte[] lineSeparator) {
    out.write(lineSeparator);
  }

  private void space() {
    if (lineStart) {
      lineStart = false;
    } else {
      out.write((byte) ' ');
    }
  }

  @Override
  public void name(FieldName name) {
    if (depth == 0 && name.standard != FieldName.OTHER) {
      header = name.standard;
      return;
    }
    name(name.text);
  }

  @Override
  public void name(String dynamicName) {
    header = FieldName.OTHER;
    lastName = dynamicName;
    nameStart = out.position();
    int kind = kinds[depth];
    if (kind == BRACED) {
      if (first[depth]) {
        first[depth] = false;
      } else {
        out.write((byte) ' ');
      }
    } else {
      space();
      String prefix = prefixes[depth];
      out.writeEscaped(prefix, 0, prefix.length());
    }
    writeBare(dynamicName, 0, dynamicName.length());
    out.write((byte) '=');
  }

  @Override
  public void beginObject() {
    int parent = kinds[depth];
    depth++;
    first[depth] = true;
    if (parent == ARRAY || parent == BRACED) {
      kinds[depth] = BRACED;
      out.write((byte) '{');
    } else {
      kinds[depth] = FLAT;
      prefixes[depth] = prefixes[depth - 1] + lastName + ".";
      // The object's own name=... was written; take it back, its fields carry the dotted name.
      out.rewind(nameStart);
    }
  }

  private int nameStart;

  @Override
  public void endObject() {
    if (kinds[depth] == BRACED) {
      out.write((byte) '}');
    }
    depth--;
  }

  @Override
  public void beginArray() {
    out.write((byte) '[');
    depth++;
    kinds[depth] = ARRAY;
    first[depth] = true;
  }

  @Override
  public void endArray() {
    out.write((byte) ']');
    depth--;
  }

  @Override
  public void element() {
    if (first[depth]) {
      first[depth] = false;
    } else {
      out.write((byte) ',');
      out.write((byte) ' ');
    }
  }

  @Override
  public int depth() {
    return depth;
  }

  @Override
  public void string(CharSequence s, int from, int to) {
    int h = header;
    header = FieldName.OTHER;
    switch (h) {
      case FieldName.LEVEL:
        space();
        writeBare(s, from, to);
        for (int pad = to - from; pad < 5; pad++) {
          out.write((byte) ' ');
        }
        return;
      case FieldName.THREAD:
        space();
        out.write((byte) '[');
        writeBare(s, from, to);
        out.write((byte) ']');
        return;
      case FieldName.TIMESTAMP:
      case FieldName.LOGGER:
      case FieldName.MESSAGE:
        space();
        writeBare(s, from, to);
        return;
      default:
        break;
    }
    if (needsQuotes(s, from, to)) {
      out.write((byte) '"');
      out.writeEscaped(s, from, to);
      out.write((byte) '"');
    } else {
      out.writeEscaped(s, from, to);
    }
  }

  private void writeBare(CharSequence s, int from, int to) {
    out.writeEscaped(s, from, to);
  }

  private static boolean needsQuotes(CharSequence s, int from, int to) {
    if (from == to) {
      return true;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f || c == ',' || c == '['
          || c == ']' || c == '{' || c == '}') {
        return true;
      }
    }
    return false;
  }

  @Override
  public void beginString() {
    parts.setLength(0);
  }

  @Override
  public void part(CharSequence s, int from, int to) {
    parts.append(s, from, to);
  }

  @Override
  public void partLong(long v) {
    parts.append(v);
  }

  @Override
  public void partHex(long v) {
    String hex = Long.toHexString(v);
    for (int i = hex.length(); i < 16; i++) {
      parts.append('0');
    }
    parts.append(hex);
  }

  @Override
  public void endString() {
    string(parts, 0, parts.length());
    if (parts.capacity() > 65_536) {
      parts.setLength(0);
      parts.trimToSize();
    }
  }

  @Override
  public void number(String jsonNumber) {
    header = FieldName.OTHER;
    out.writeAscii(jsonNumber);
  }

  @Override
  public void longValue(long v) {
    header = FieldName.OTHER;
    out.writeLong(v);
  }

  @Override
  public void boolValue(boolean v) {
    header = FieldName.OTHER;
    out.writeAscii(v ? "true" : "false");
  }

  @Override
  public void nullValue() {
    int h = header;
    header = FieldName.OTHER;
    if (h != FieldName.OTHER) {
      space();
    }
    out.writeAscii("null");
  }

  @Override
  public void timestamp(TimestampWriter writer, long epochMillis, int nanoOfSecond, int digits) {
    if (header == FieldName.TIMESTAMP) {
      space();
    }
    header = FieldName.OTHER;
    writer.writeEventTime(out, epochMillis, nanoOfSecond, digits);
  }

  @Override
  public long mark() {
    return ((long) out.position() << 32) | ((long) depth << 1) | (first[depth] ? 1 : 0);
  }

  @Override
  public void rollback(long mark) {
    out.rewind((int) (mark >>> 32));
    depth = (int) ((mark & 0xffffffffL) >>> 1);
    first[depth] = (mark & 1) != 0;
  }
}
