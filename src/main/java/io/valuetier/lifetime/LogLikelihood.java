package io.valuetier.lifetime;

import java.io.Serializable;

/**
 * A model's log-likelihood of one observation (a row of numbers), with its gradient in the natural
 * parameters. Serializable: Spark evaluates it on the executors, next to the data.
 */
public interface LogLikelihood extends Serializable {
  /** Parameter names, in the order of the parameter arrays. */
  String[] parameters();

  /** Number of numbers in an observation row. */
  int rowWidth();

  /** ln L(params | row); adds weight × ∂ ln L / ∂ params to {@code gradient}. */
  double add(double[] params, double[] row, double weight, double[] gradient);
}
