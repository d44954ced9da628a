package io.valuetier.schema;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/** A mean that is the same on every partition layout: summed as decimals, exactly, then a double. */
public final class ExactMean {
  /** Twelve decimals: exact for money, and far below anything a summary shows for a double. */
  private static final DecimalType EXACT = DataTypes.createDecimalType(38, 12);

  private ExactMean() {}

  /**
   * The mean of {@code value} (money or a double). A double sum depends on the order Spark adds
   * the rows in, which follows the layout: a cluster run ended the means in other last digits than
   * a local one. try_: a sum beyond 38 digits gives null, not an arithmetic error.
   */
  public static Column of(Column value) {
    return functions.try_avg(value.try_cast(EXACT)).cast(DataTypes.DoubleType);
  }
}
