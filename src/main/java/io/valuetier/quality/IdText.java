package io.valuetier.quality;

import org.apache.spark.unsafe.types.UTF8String;

/**
 * An id as text without leading or trailing blanks, evaluated by Spark's generated code on the
 * id's UTF-8 bytes (see {@link TransactionValidation#cleanId}). Public for that code only.
 */
public final class IdText {
  /**
   * Characters an id is trimmed of: Unicode White_Space (U+0009-000D, U+0020, U+0085, U+00A0,
   * U+1680, U+2000-200A, U+2028, U+2029, U+202F, U+205F, U+3000) and the zero-width characters
   * U+180E, U+200B-200D, U+2060 and U+FEFF. All are single UTF-16 chars.
   */
  static final String BLANKS = "\t\n\u000B\f\r \u0085\u00A0\u1680\u2000\u2001\u2002\u2003\u2004"
      + "\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000\u180E\u200B\u200C\u200D\u2060\uFEFF";

  private IdText() {}

  /**
   * The id without blanks at either end; null when nothing else is left. Almost every id starts
   * and ends with a printable ASCII character, none of them a blank: such an id is returned as it
   * is after reading two bytes (in UTF-8 the last byte of a longer character is never ASCII).
   * Only the others are decoded and trimmed.
   */
  public static UTF8String clean(UTF8String id) {
    int n = id.numBytes();
    if (n > 0 && printableAscii(id.getByte(0)) && printableAscii(id.getByte(n - 1))) {
      return id;
    }
    String text = id.toString();
    int start = 0;
    int end = text.length();
    while (start < end && BLANKS.indexOf(text.charAt(start)) >= 0) {
      start++;
    }
    while (end > start && BLANKS.indexOf(text.charAt(end - 1)) >= 0) {
      end--;
    }
    return start == end ? null : UTF8String.fromString(text.substring(start, end));
  }

  private static boolean printableAscii(byte b) {
    return b >= '!' && b <= '~';
  }
}
