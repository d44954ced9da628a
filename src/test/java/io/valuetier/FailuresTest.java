package io.valuetier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

/** Every failure becomes one line naming its condition and innermost cause. */
class FailuresTest {
  @Test
  void ownFailuresKeepTheirMessageEvenWhenWrapped() {
    TieringException own = new TieringException("input table transactions: path /x does not exist");
    assertEquals("input table transactions: path /x does not exist", Failures.describe(own));
    assertEquals("input table transactions: path /x does not exist",
        Failures.describe(new RuntimeException("task failed", own)));
  }

  @Test
  void aFullDiskDuringTheWriteIsNamed() {
    // As Spark reports a failed write: a job abort around the executor's IOException.
    SparkException write = new SparkException("Job aborted due to stage failure: Task 0 in stage 3.0 failed\n"
        + "Driver stacktrace:", new IOException("No space left on device"));
    assertEquals("cannot write: no space left on device (IOException: No space left on device)",
        Failures.describe(write));
  }

  @Test
  void aReadOnlyWarehouseIsNamed() {
    Exception write = new RuntimeException("Writing job aborted",
        new AccessDeniedException("/lake/tiering/customer_tiers/data/00000.parquet"));
    assertEquals("cannot write: permission denied or a read-only file system "
        + "(AccessDeniedException: /lake/tiering/customer_tiers/data/00000.parquet)", Failures.describe(write));
  }

  @Test
  void aConcurrentCommitIsNamed() {
    Exception conflict = new org.apache.iceberg.exceptions.CommitFailedException("Cannot commit: stale metadata");
    assertEquals("commit conflict: another writer changed a table of the lake at the same time; rerun the date "
        + "(CommitFailedException: Cannot commit: stale metadata)", Failures.describe(conflict));
  }

  @Test
  void anythingElseIsOneLineWithItsRootCause() {
    Exception other = new IllegalStateException("outer", new ArithmeticException("/ by zero\nat line 2"));
    assertEquals("unexpected failure: ArithmeticException: / by zero", Failures.describe(other));
    String folded = Failures.describe(new TieringException("first\n  second\r\nthird"));
    assertEquals("first second third", folded);
    assertFalse(Failures.describe(new TieringException("x".repeat(2000))).length() > 600);
  }
}
