package io.valuetier.lifetime;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Fits a {@link LogLikelihood} by maximum likelihood over a whole population without collecting it:
 * the weighted observation rows stay on the executors as cached arrays, Spark sums the
 * log-likelihood and its gradient over them (one small job per evaluation), and L-BFGS on the
 * driver moves the parameters. Parameters are optimized as logarithms, which keeps them positive
 * and puts r, α, a, b of very different scales on one footing.
 */
public final class MaximumLikelihood {
  /** Outcome of a fit: parameters by name, total log-likelihood and how the optimizer ended. */
  public record Fit(String model, Map<String, Double> parameters, double logLikelihood, double observations,
      int iterations, boolean converged, String message) {
    public double[] values() {
      return parameters.values().stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** One line for logs and run_summary. */
    public String status() {
      return (converged ? "converged" : "not converged") + " after " + iterations + " iterations: " + message;
    }
  }

  /** Observation rows of one partition as column arrays: cheap to scan on every evaluation. */
  private record Block(double[][] rows, double[] weights) implements Serializable {
    double[] evaluate(LogLikelihood model, double[] params) {
      double[] out = new double[params.length + 1]; // gradient..., log-likelihood
      double[] gradient = new double[params.length];
      double ll = 0;
      LogLikelihood.Evaluation evaluation = model.at(params);
      for (int i = 0; i < weights.length; i++) {
        ll += weights[i] * evaluation.add(rows[i], weights[i], gradient);
      }
      System.arraycopy(gradient, 0, out, 0, params.length);
      out[params.length] = ll;
      return out;
    }
  }

  /**
   * The rows go into this many blocks by a hash of their values, each block sorted, and the blocks'
   * sums are added on the driver in block order: the fit is then a function of the rows alone.
   * Floating-point addition is not associative, and a tree-reduce over blocks that follow the
   * partition layout summed in another order on another layout or core count (a cluster, files on
   * object storage), which moved the parameters in their last digits. A fixed count, not the cores:
   * a few more small tasks per evaluation on a large cluster.
   */
  static final int BLOCKS = 16;

  private final int maxIterations;
  private final double tolerance;

  /** {@code tolerance}: largest gradient component of the mean log-likelihood (log parameters) at the optimum. */
  public MaximumLikelihood(int maxIterations, double tolerance) {
    this.maxIterations = maxIterations;
    this.tolerance = tolerance;
  }

  /**
   * Fits {@code model} to {@code rows}: its columns {@code observation} (in the model's row order)
   * weighted by the column {@code weight} (how many customers share that row).
   */
  public Fit fit(String name, LogLikelihood model, Dataset<Row> rows, Column[] observation, Column weight,
      double[] start) {
    int width = model.rowWidth();
    Column[] selected = Arrays.copyOf(observation, width + 1);
    selected[width] = weight;
    JavaRDD<Block> blocks = rows.select(selected).repartition(BLOCKS, observation).sortWithinPartitions(selected)
        .toJavaRDD()
        .mapPartitions((Iterator<Row> it) -> List.of(toBlock(it, width)).iterator())
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      double total = blocks.map(b -> Arrays.stream(b.weights()).sum()).fold(0.0, Double::sum);
      Lbfgs.Result result = new Lbfgs(maxIterations, tolerance)
          .minimize(logParams -> meanNegativeLogLikelihood(blocks, model, logParams, total), log(start));
      Map<String, Double> named = new LinkedHashMap<>();
      String[] names = model.parameters();
      for (int i = 0; i < names.length; i++) {
        named.put(names[i], Math.exp(result.x()[i]));
      }
      return new Fit(name, named, -result.value() * total, total, result.iterations(), result.converged(),
          result.message());
    } finally {
      blocks.unpersist(false);
    }
  }

  private static Lbfgs.Value meanNegativeLogLikelihood(JavaRDD<Block> blocks, LogLikelihood model,
      double[] logParams, double total) {
    double[] params = exp(logParams);
    double[] sum = null;
    for (double[] part : blocks.map(b -> b.evaluate(model, params)).collect()) { // in block order
      sum = sum == null ? part : add(sum, part);
    }
    int n = params.length;
    double[] gradient = new double[n];
    for (int i = 0; i < n; i++) {
      gradient[i] = -sum[i] * params[i] / total; // chain rule: ∂/∂ln θ = θ ∂/∂θ
    }
    return new Lbfgs.Value(-sum[n] / total, gradient);
  }

  private static Block toBlock(Iterator<Row> it, int width) {
    List<double[]> rows = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    while (it.hasNext()) {
      Row row = it.next();
      double[] values = new double[width];
      for (int i = 0; i < width; i++) {
        values[i] = ((Number) row.get(i)).doubleValue();
      }
      rows.add(values);
      weights.add(((Number) row.get(width)).doubleValue());
    }
    return new Block(rows.toArray(new double[0][]), weights.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static double[] add(double[] a, double[] b) {
    double[] s = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      s[i] = a[i] + b[i];
    }
    return s;
  }

  private static double[] log(double[] v) {
    return Arrays.stream(v).map(Math::log).toArray();
  }

  private static double[] exp(double[] v) {
    return Arrays.stream(v).map(Math::exp).toArray();
  }
}
