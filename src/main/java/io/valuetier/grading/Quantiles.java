package io.valuetier.grading;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile_approx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/** Population quantiles computed in one distributed aggregation; only the cut points reach the driver. */
final class Quantiles {
  /**
   * Relative error 1/ACCURACY. Below ACCURACY rows the sketch keeps every value and the result is
   * exact: the smallest value whose cumulative share reaches the probability.
   */
  static final int ACCURACY = 100_000;

  private Quantiles() {}

  /** Cut points per column at the given probabilities; an empty array when there are no rows. */
  static List<double[]> cutPoints(Dataset<Row> rows, double[] probabilities, String... columns) {
    Column probs = lit(probabilities);
    Column[] aggs = Arrays.stream(columns)
        .map(c -> percentile_approx(col(c).cast(DataTypes.DoubleType), probs, lit(ACCURACY)))
        .toArray(Column[]::new);
    Row row = rows.agg(aggs[0], Arrays.copyOfRange(aggs, 1, aggs.length)).first();
    List<double[]> result = new ArrayList<>();
    for (int i = 0; i < columns.length; i++) {
      result.add(row.isNullAt(i)
          ? new double[0]
          : row.<Double>getList(i).stream().mapToDouble(Double::doubleValue).toArray());
    }
    return result;
  }
}
