package io.valuetier;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns any failure into the one line a user reads: the message of a {@link TieringException},
 * or for Spark's and the file system's own exceptions the condition they mean (no permission,
 * disk full, a concurrent commit) with the innermost cause. The trace goes to the log, never here.
 */
public final class Failures {
  /** Long enough for a path and a cause, short enough for one line of an Airflow log. */
  private static final int MAX_LENGTH = 600;

  private Failures() {}

  /** The one-line cause of a failure. */
  public static String describe(Throwable failure) {
    List<Throwable> chain = chain(failure);
    Optional<Throwable> own = chain.stream().filter(t -> t instanceof TieringException).findFirst();
    if (own.isPresent()) {
      return oneLine(own.get().getMessage());
    }
    Throwable root = chain.get(chain.size() - 1);
    String cause = root.getClass().getSimpleName() + ": " + firstLine(root.getMessage());
    if (any(chain, "java.nio.file.AccessDeniedException") || mentions(chain, "permission denied")
        || mentions(chain, "read-only file system") || mentions(chain, "operation not permitted")
        || mentions(chain, "mkdirs failed")) {
      return oneLine("cannot write: permission denied or a read-only file system (" + cause + ")");
    }
    if (mentions(chain, "no space left on device") || mentions(chain, "disk quota exceeded")) {
      return oneLine("cannot write: no space left on device (" + cause + ")");
    }
    if (any(chain, "org.apache.iceberg.exceptions.CommitFailedException")
        || any(chain, "org.apache.iceberg.exceptions.CommitStateUnknownException")) {
      return oneLine("commit conflict: another writer changed a table of the lake at the same time; rerun the date ("
          + cause + ")");
    }
    if (root instanceof OutOfMemoryError) {
      return oneLine("out of memory: give the driver or the executors more memory (" + cause + ")");
    }
    return oneLine("unexpected failure: " + cause);
  }

  private static List<Throwable> chain(Throwable failure) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  private static boolean any(List<Throwable> chain, String className) {
    return chain.stream().anyMatch(t -> t.getClass().getName().equals(className));
  }

  private static boolean mentions(List<Throwable> chain, String text) {
    return chain.stream().anyMatch(t -> String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains(text));
  }

  private static String firstLine(String message) {
    String m = String.valueOf(message).strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** Newlines (a Spark plan, a multi-line message) folded into spaces, and long causes cut. */
  static String oneLine(String message) {
    String line = String.valueOf(message).strip().replaceAll("\\s*\\R\\s*", " ");
    return line.length() <= MAX_LENGTH ? line : line.substring(0, MAX_LENGTH - 3) + "...";
  }
}
