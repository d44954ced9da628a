package io.valuetier.privacy;

import io.valuetier.config.TieringConfig;
import java.util.Arrays;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** What every customer-level table goes through on its way to the lake: the configured pseudonym. */
public final class Publication {
  private final byte[] key;

  public Publication(TieringConfig.Privacy config) {
    this(config, System::getenv);
  }

  /** With the environment given, so tests need not set real environment variables. */
  public Publication(TieringConfig.Privacy config, Function<String, String> environment) {
    this.key = config.pseudonymizeCustomerId() ? Privacy.keyFromEnvironment(config.keyEnv(), environment) : null;
  }

  public Dataset<Row> apply(Dataset<Row> frame) {
    if (key == null || !Arrays.asList(frame.columns()).contains(io.valuetier.schema.Columns.CUSTOMER_ID)) {
      return frame;
    }
    Dataset<Row> pseudonymized = Privacy.pseudonymize(frame, key);
    // The quarantined line as read holds the real id (and perhaps other personal columns the
    // product never maps): with pseudonyms on it is not published.
    String sourceRow = io.valuetier.quality.TransactionValidation.SOURCE_ROW;
    return Arrays.asList(frame.columns()).contains(sourceRow)
        ? pseudonymized.withColumn(sourceRow, org.apache.spark.sql.functions.lit(null).cast("string"))
        : pseudonymized;
  }
}
