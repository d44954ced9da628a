package io.valuetier.lifetime;

import java.io.Serializable;

/**
 * A fitted repeat-purchase model (BG/NBD or MBG/NBD) as the predictions use it: per purchase
 * history (x, t_x, T) the probability of being alive and the purchases to expect. Serializable:
 * the predictions run on the executors.
 */
public interface PurchaseModel extends Serializable {
  /** P(the customer is still active at T). */
  double probabilityAlive(double x, double tx, double t);

  /** Expected purchase days in (T, T + horizonDays]. */
  double expectedPurchases(double x, double tx, double t, double horizonDays);

  /** Shape r of the Gamma mixing distribution of the purchase rate λ. */
  double r();

  /** Rate α of the Gamma mixing distribution of the purchase rate λ. */
  double alpha();

  /** P(at least one purchase day in (T, T + horizonDays]): {@link #purchaseWithin}, the same in both models. */
  default double probabilityOfPurchase(double x, double tx, double t, double horizonDays) {
    return purchaseWithin(probabilityAlive(x, tx, t), r() + x, alpha() + t, horizonDays);
  }

  /**
   * P(at least one purchase within h) in both models: a customer drops out only right after a
   * purchase, so one alive at T stays alive until the next purchase, which comes after an
   * exponential wait of rate λ; with λ | alive, history ~ Gamma(shape r+x, rate α+T),
   * P = P(alive) · (1 − E[e^(−λh)]) = P(alive) · (1 − (rate / (rate + h))^shape).
   */
  static double purchaseWithin(double pAlive, double shape, double rate, double horizonDays) {
    if (horizonDays <= 0) {
      return 0.0;
    }
    return pAlive * -Math.expm1(shape * Math.log(rate / (rate + horizonDays)));
  }

  /** The fitted model of a fit by its name ({@link LifetimeValue#BG_NBD} or {@link LifetimeValue#MBG_NBD}). */
  static PurchaseModel of(MaximumLikelihood.Fit fit) {
    return switch (fit.model()) {
      case LifetimeValue.BG_NBD -> BgNbd.Params.of(fit.values());
      case LifetimeValue.MBG_NBD -> MbgNbd.Params.of(fit.values());
      default -> throw new IllegalArgumentException("not a purchase model: " + fit.model());
    };
  }

  /** The likelihood of a model by its name. */
  static LogLikelihood likelihood(String model) {
    return switch (model) {
      case LifetimeValue.BG_NBD -> new BgNbd();
      case LifetimeValue.MBG_NBD -> new MbgNbd();
      default -> throw new IllegalArgumentException("not a purchase model: " + model);
    };
  }
}
