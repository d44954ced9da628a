package io.valuetier;

/** A failure the user can act on (bad input, bad configuration); its message is the one-line cause. */
public class TieringException extends RuntimeException {
  public TieringException(String message) {
    super(message);
  }

  public TieringException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Fails with a formatted message unless the condition holds. */
  public static void check(boolean condition, String format, Object... args) {
    if (!condition) {
      throw new TieringException(String.format(format, args));
    }
  }
}
