package io.valuetier;

import io.valuetier.io.Sessions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.types.StructType;

/** The one local SparkSession of the test suite, plus small helpers to build and read frames. */
public final class SparkTestSession {
  private static SparkSession spark;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (spark == null) {
      spark = Sessions.configure(SparkSession.builder())
          .master("local[2]")
          .appName("value-tiering-tests")
          .config("spark.ui.enabled", "false")
          // Test-only: tiny data, so few shuffle partitions keep the suite fast.
          .config("spark.sql.shuffle.partitions", "2")
          .getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
    }
    return spark;
  }

  /** A frame from rows given as value arrays, with an explicit schema. */
  public static Dataset<Row> frame(StructType schema, Object[]... rows) {
    List<Row> list = new ArrayList<>();
    for (Object[] r : rows) {
      list.add(RowFactory.create(r));
    }
    return get().createDataFrame(list, schema);
  }

  /** Rows as strings sorted, so comparisons ignore row order and print both sides on failure. */
  public static List<String> sorted(Dataset<Row> frame) {
    return frame.collectAsList().stream().map(Row::toString).sorted().collect(Collectors.toList());
  }

  /** Rows keyed by their first column, in key order. */
  public static List<Row> byFirstColumn(Dataset<Row> frame) {
    List<Row> rows = new ArrayList<>(frame.collectAsList());
    rows.sort(Comparator.comparing(r -> String.valueOf(r.get(0))));
    return rows;
  }

  /** Rows keyed by customer_id. */
  public static java.util.Map<String, Row> byCustomer(Dataset<Row> frame) {
    java.util.Map<String, Row> m = new java.util.HashMap<>();
    frame.collectAsList().forEach(r -> m.put(r.getAs(io.valuetier.schema.Columns.CUSTOMER_ID), r));
    return m;
  }

  /** The nodes of a class in a frame's executed plan (run it first), through adaptive execution's final stages. */
  public static <T extends SparkPlan> List<T> planNodes(Dataset<?> frame, Class<T> type) {
    List<T> found = new ArrayList<>();
    collectNodes(frame.queryExecution().executedPlan(), type, found);
    return found;
  }

  private static <T extends SparkPlan> void collectNodes(SparkPlan plan, Class<T> type, List<T> found) {
    if (plan instanceof AdaptiveSparkPlanExec adaptive) {
      collectNodes(adaptive.executedPlan(), type, found);
      return;
    }
    if (plan instanceof QueryStageExec stage) {
      collectNodes(stage.plan(), type, found);
      return;
    }
    if (type.isInstance(plan)) {
      found.add(type.cast(plan));
    }
    plan.children().foreach(child -> {
      collectNodes(child, type, found);
      return null;
    });
  }

  public static List<String> columns(Dataset<Row> frame) {
    return Arrays.asList(frame.columns());
  }
}
