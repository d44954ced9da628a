package io.valuetier.quality;

import java.nio.charset.StandardCharsets;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * An id as text without leading or trailing blanks, evaluated by Spark's generated code on the
 * id's UTF-8 bytes (see {@link TransactionValidation#cleanId}). Public for that code only.
 */
public final class IdText {
  /**
   * Characters an id is trimmed of: Unicode White_Space (U+0009-000D, U+0020, U+0085, U+00A0,
   * U+1680, U+2000-200A, U+2028, U+2029, U+202F, U+205F, U+3000) and the zero-width characters
   * U+180E, U+200B-200D, U+2060 and U+FEFF.
   */
  static final String BLANKS = "\t\n\u000B\f\r \u0085\u00A0\u1680\u2000\u2001\u2002\u2003\u2004"
      + "\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000\u180E\u200B\u200C\u200D\u2060\uFEFF";

  private IdText() {}

  /** The UTF-8 encoding of each blank: ids are trimmed on their bytes. */
  private static final byte[][] BLANK_BYTES = BLANKS.chars()
      .mapToObj(c -> String.valueOf((char) c).getBytes(StandardCharsets.UTF_8))
      .toArray(byte[][]::new);

  /**
   * The id without blanks at either end; null when nothing else is left. Almost every id starts
   * and ends with a printable ASCII character, none of them a blank: such an id is returned as it
   * is after reading two bytes (in UTF-8 the last byte of a longer character is never ASCII).
   * Others are trimmed on their bytes, so that nothing else of them changes, not even bytes that
   * are not valid UTF-8.
   */
  public static UTF8String clean(UTF8String id) {
    int n = id.numBytes();
    if (n > 0 && printableAscii(id.getByte(0)) && printableAscii(id.getByte(n - 1))) {
      return id;
    }
    int start = 0;
    int end = n;
    for (int step; start < end && (step = blankAt(id, start, end)) > 0; ) {
      start += step;
    }
    for (int step; end > start && (step = blankEndingAt(id, start, end)) > 0; ) {
      end -= step;
    }
    if (start == end) {
      return null;
    }
    return start == 0 && end == n ? id : UTF8String.fromBytes(id.getBytes(), start, end - start);
  }

  /** The length of the blank that starts at byte {@code at}, or 0. */
  private static int blankAt(UTF8String id, int at, int limit) {
    for (byte[] blank : BLANK_BYTES) {
      if (at + blank.length <= limit && matches(id, at, blank)) {
        return blank.length;
      }
    }
    return 0;
  }

  /** The length of the blank that ends just before byte {@code end}, or 0. */
  private static int blankEndingAt(UTF8String id, int from, int end) {
    for (byte[] blank : BLANK_BYTES) {
      if (end - blank.length >= from && matches(id, end - blank.length, blank)) {
        return blank.length;
      }
    }
    return 0;
  }

  private static boolean matches(UTF8String id, int at, byte[] blank) {
    for (int i = 0; i < blank.length; i++) {
      if (id.getByte(at + i) != blank[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean printableAscii(byte b) {
    return b >= '!' && b <= '~';
  }
}
