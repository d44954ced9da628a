package io.valuetier.quality;

import io.valuetier.TieringException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Transactions after validation, with the reconciliation of "Validation and quarantine" (docs/methods.md):
 * rows read = rows accepted + rows rejected, rejected counted per reason; and the input files whose
 * schema was reconciled (file → the columns it lacks, null in its rows).
 */
public record ValidatedTransactions(
    Dataset<Row> flagged, boolean hasCost, long rowsRead, long rowsAccepted, Map<String, Long> rejectedByReason,
    Map<String, String> schemaDrift) {

  /** Counts the flagged rows and checks that every row read is accounted for. */
  public static ValidatedTransactions reconcile(Dataset<Row> flagged, boolean hasCost, long rowsRead) {
    Map<String, Long> byReason = new TreeMap<>();
    long accepted = 0;
    for (Map.Entry<String, Long> e : TransactionValidation.countByReason(flagged).entrySet()) {
      if (e.getKey() == null) {
        accepted = e.getValue();
      } else {
        byReason.put(e.getKey(), e.getValue());
      }
    }
    ValidatedTransactions v = new ValidatedTransactions(flagged, hasCost, rowsRead, accepted, byReason, Map.of());
    TieringException.check(v.rowsAccepted() + v.rowsRejected() == rowsRead,
        "reconciliation failed: %d rows read but %d accepted + %d rejected", rowsRead, v.rowsAccepted(), v.rowsRejected());
    return v;
  }

  /** The same with the schema drift of the input files recorded. */
  public ValidatedTransactions withSchemaDrift(Map<String, String> drift) {
    return new ValidatedTransactions(flagged, hasCost, rowsRead, rowsAccepted, rejectedByReason, Map.copyOf(drift));
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

  public Dataset<Row> rejected() {
    return TransactionValidation.rejected(flagged);
  }
}
