package io.valuetier.grading;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.TieringException;
import org.junit.jupiter.api.Test;

class AhpTest {
  @Test
  void perfectlyConsistentMatrixGivesItsRatios() {
    // a_ij = w_i / w_j for w = (0.6, 0.3, 0.1): the eigenvector is w itself, λmax = n, CI = CR = 0.
    double[][] m = {{1, 2, 6}, {0.5, 1, 3}, {1.0 / 6, 1.0 / 3, 1}};
    Ahp.Result r = Ahp.consistentWeights("test", m);
    assertArrayEquals(new double[] {0.6, 0.3, 0.1}, r.weights(), 1e-9);
    assertEquals(3.0, r.lambdaMax(), 1e-9);
    assertEquals(0.0, r.consistencyRatio(), 1e-9);
  }

  @Test
  void textbookMatrixMatchesPublishedWeightsAndRatio() {
    // Saaty's classic 3x3 example: weights 0.637 / 0.258 / 0.105, λmax 3.0385, CI 0.0193, CR 0.033 (RI 0.58).
    double[][] m = {{1, 3, 5}, {1.0 / 3, 1, 3}, {1.0 / 5, 1.0 / 3, 1}};
    Ahp.Result r = Ahp.consistentWeights("test", m);
    assertArrayEquals(new double[] {0.637, 0.258, 0.105}, r.weights(), 5e-4);
    assertEquals(3.0385, r.lambdaMax(), 1e-4);
    assertEquals(0.0193, r.consistencyIndex(), 1e-4);
    assertEquals(0.0332, r.consistencyRatio(), 1e-4);
  }

  @Test
  void fourByFourDefaultOfTheShippedConfiguration() {
    // conf/defaults.conf: spend vs frequency 2, vs recency 3, vs margin 4, and so on down the scale.
    double[][] m = {{1, 2, 3, 4}, {0.5, 1, 2, 3}, {1.0 / 3, 0.5, 1, 2}, {0.25, 1.0 / 3, 0.5, 1}};
    Ahp.Result r = Ahp.consistentWeights("test", m);
    assertArrayEquals(new double[] {0.4673, 0.2772, 0.1601, 0.0954}, r.weights(), 1e-4);
    assertEquals(0.0115, r.consistencyRatio(), 1e-4);
  }

  @Test
  void inconsistentMatrixIsRejectedWithItsRatio() {
    // A prefers B 9:1, B prefers C 9:1, yet C prefers A 9:1: a cycle, CR = 6.13.
    double[][] m = {{1, 9, 1.0 / 9}, {1.0 / 9, 1, 9}, {9, 1.0 / 9, 1}};
    TieringException e = assertThrows(TieringException.class, () -> Ahp.consistentWeights("tiering.scoring.ahp.matrix", m));
    assertTrue(e.getMessage().startsWith("tiering.scoring.ahp.matrix: the AHP matrix is inconsistent, CR = 6.1303"),
        e.getMessage());
  }

  @Test
  void nonReciprocalMatrixIsRejected() {
    double[][] m = {{1, 3}, {3, 1}};
    TieringException e = assertThrows(TieringException.class, () -> Ahp.weights("m", m));
    assertEquals("m: entries (1, 2) = 3.0 and (2, 1) = 3.0 are not reciprocal", e.getMessage());
  }
}
