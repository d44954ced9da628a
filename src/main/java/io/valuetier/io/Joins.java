package io.valuetier.io;

import static io.valuetier.schema.Columns.CUSTOMER_ID;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Customer rows joined with a narrower per-customer frame (a rank, a class, a history, last night's tier). */
public final class Joins {
  private Joins() {}

  /**
   * {@code customers} joined on customer_id with {@code narrow} ("left" or "inner"), the narrow side
   * hashed per partition. Spark would sort both sides of each such join (a sort-merge join): the
   * wide customer rows, some sixty columns, sorted once per step for nothing, since every step
   * reads them in hash order. With a shuffle hash join only the narrow rows are held (a hash table
   * per partition: at most {@value Sessions#CUSTOMERS_PER_PARTITION} customers' few columns with the
   * job's partition sizing) and the wide rows stream through.
   */
  public static Dataset<Row> withNarrow(Dataset<Row> customers, Dataset<Row> narrow, String how) {
    return customers.join(narrow.hint("shuffle_hash"), CUSTOMER_ID, how);
  }
}
