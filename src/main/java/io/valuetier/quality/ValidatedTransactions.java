package io.valuetier.quality;

import io.valuetier.TieringException;
import io.valuetier.io.Materialized;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Transactions after validation, with the reconciliation of "Validation and quarantine" (docs/methods.md):
 * rows read = rows accepted + rows rejected, rejected counted per reason; and the input files whose
 * schema was reconciled (file → the columns it lacks, null in its rows). The rejected rows (reason,
 * original values, source row) are kept apart from the flagged ones: a run publishes only when they
 * are a small share (tiering.quality.max-rejected-share), and the quarantine table is written last,
 * long after the accepted rows could have been released.
 */
public record ValidatedTransactions(
    Dataset<Row> flagged, Dataset<Row> rejected, boolean hasCost, long rowsRead, long rowsAccepted,
    Map<String, Long> rejectedByReason, Map<String, String> schemaDrift) {

  /**
   * Counts the flagged rows, checks that every row read is accounted for and keeps the rejected
   * rows (see {@link Materialized}).
   */
  public static ValidatedTransactions reconcile(Dataset<Row> flagged, boolean hasCost, long rowsRead) {
    // Keeping the rejected rows is the pass that computes the flagged ones; counting the accepted
    // then reads one cached column.
    Dataset<Row> rejected = Materialized.of(TransactionValidation.rejected(flagged));
    long accepted = TransactionValidation.accepted(flagged).count();
    Map<String, Long> byReason = new TreeMap<>(TransactionValidation.countByReason(rejected));
    return checked(new ValidatedTransactions(flagged, rejected, hasCost, rowsRead, accepted, byReason, Map.of()));
  }

  /**
   * The same counts from one aggregation over the flagged rows, keeping nothing: what validate
   * needs, which writes no quarantine and so has no rows to keep (and no blocks on the executors
   * to release while a task may still hold one).
   */
  public static ValidatedTransactions counted(Dataset<Row> flagged, boolean hasCost, long rowsRead) {
    Map<String, Long> byReason = new TreeMap<>();
    long accepted = 0;
    for (Map.Entry<String, Long> e : TransactionValidation.countByReason(flagged).entrySet()) {
      if (e.getKey() == null) {
        accepted = e.getValue();
      } else {
        byReason.put(e.getKey(), e.getValue());
      }
    }
    return checked(new ValidatedTransactions(flagged, TransactionValidation.rejected(flagged), hasCost, rowsRead,
        accepted, byReason, Map.of()));
  }

  private static ValidatedTransactions checked(ValidatedTransactions v) {
    TieringException.check(v.rowsAccepted() + v.rowsRejected() == v.rowsRead(),
        "reconciliation failed: %d rows read but %d accepted + %d rejected", v.rowsRead(), v.rowsAccepted(), v.rowsRejected());
    return v;
  }

  /** The same with the schema drift of the input files recorded. */
  public ValidatedTransactions withSchemaDrift(Map<String, String> drift) {
    return new ValidatedTransactions(flagged, rejected, hasCost, rowsRead, rowsAccepted, rejectedByReason, Map.copyOf(drift));
  }

  public long rowsRejected() {
    return rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  public double rejectedShare() {
    return rowsRead == 0 ? 0.0 : (double) rowsRejected() / rowsRead;
  }

  /** Fails when there is nothing to grade or too much of the input is bad to publish grades. */
  public void checkPublishable(double maxRejectedShare) {
    TieringException.check(rowsRead > 0, "input table transactions has no rows");
    TieringException.check(rejectedShare() <= maxRejectedShare,
        "rejected %.2f %% of transaction rows (%d of %d), above the ceiling of %.2f %% (tiering.quality.max-rejected-share); reasons: %s",
        100 * rejectedShare(), rowsRejected(), rowsRead, 100 * maxRejectedShare, rejectedByReason);
    TieringException.check(rowsAccepted > 0, "no valid transaction rows to grade; reasons: %s", rejectedByReason);
  }

  public Dataset<Row> accepted() {
    return TransactionValidation.accepted(flagged);
  }

  /**
   * Gives back the memory of the flagged rows once every step that reads accepted rows has kept
   * its result: at millions of customers they are the largest thing a run holds, and the
   * customer-level steps after them need the room. Reading accepted() after this recomputes
   * validation from the source.
   */
  public void releaseFlagged() {
    flagged.unpersist(false);
  }
}
