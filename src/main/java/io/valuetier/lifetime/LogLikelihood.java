package io.valuetier.lifetime;

import java.io.Serializable;
import java.util.function.IntFunction;

/**
 * A model's log-likelihood of one observation (a row of numbers), with its gradient in the natural
 * parameters. Serializable: Spark evaluates it on the executors, next to the data.
 */
public interface LogLikelihood extends Serializable {
  /** Parameter names, in the order of the parameter arrays. */
  String[] parameters();

  /** Number of numbers in an observation row. */
  int rowWidth();

  /** The log-likelihood at fixed parameters, ready to be summed over many rows. */
  Evaluation at(double[] params);

  /** ln L(params | row); adds weight × ∂ ln L / ∂ params to {@code gradient}. */
  default double add(double[] params, double[] row, double weight, double[] gradient) {
    return at(params).add(row, weight, gradient);
  }

  /** One parameter point: sums rows. */
  interface Evaluation {
    /** ln L of the row; adds weight × its gradient to {@code gradient}. */
    double add(double[] row, double weight, double[] gradient);
  }

  /**
   * Per-count terms (log-gamma and digamma of parameters shifted by the purchase count x) computed
   * once per distinct x at one parameter point: a population has millions of rows but few counts,
   * and these special functions are most of the cost of an evaluation.
   */
  final class ByCount {
    private static final int MAX_INDEXED = 1 << 20;
    private final IntFunction<double[]> compute;
    private double[][] values = new double[64][];

    ByCount(IntFunction<double[]> compute) {
      this.compute = compute;
    }

    double[] of(double x) {
      int n = (int) x;
      if (n != x || n < 0 || n >= MAX_INDEXED) {
        throw new IllegalArgumentException("a purchase count must be a whole number in [0, 2^20), got " + x);
      }
      if (n >= values.length) {
        values = java.util.Arrays.copyOf(values, Math.max(n + 1, 2 * values.length));
      }
      double[] v = values[n];
      if (v == null) {
        v = compute.apply(n);
        values[n] = v;
      }
      return v;
    }
  }
}
