package dev.depthscope.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW with PyTorch's semantics ({@code torch.optim.AdamW}, REFERENCE.md "Optimizer"), written out
 * because DJL's Adam couples weight decay differently. For step t (1-based), per parameter:
 *
 * <pre>
 *   p  -= lr * wd * p                          (decoupled decay, every parameter)
 *   m   = beta1 * m + (1 - beta1) * g
 *   v   = beta2 * v + (1 - beta2) * g^2
 *   p  -= (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * Updates are in place and run outside any gradient collector (grad mode off), so they are not
 * recorded by autograd.
 */
public final class AdamW {
  private final List<NDArray> moments = new ArrayList<>();
  private final List<NDArray> variances = new ArrayList<>();
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private int t;

  /** Zero state for {@code params}, kept in {@code manager}. */
  public AdamW(NDManager manager, List<NDArray> params, Hyperparameters hp) {
    for (NDArray p : params) {
      moments.add(manager.zeros(p.getShape()));
      variances.add(manager.zeros(p.getShape()));
    }
    this.beta1 = hp.beta1();
    this.beta2 = hp.beta2();
    this.eps = hp.eps();
    this.weightDecay = hp.weightDecay();
  }

  /** Steps taken so far. */
  public int stepCount() {
    return t;
  }

  /**
   * One update of {@code params} with {@code grads} at learning rate {@code lr}; temporaries are
   * created in {@code step} (the state is temporarily attached to it).
   */
  public void step(NDManager step, List<NDArray> params, List<NDArray> grads, double lr) {
    t++;
    double bc1 = 1 - Math.pow(beta1, t);
    double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
    float stepSize = (float) (lr / bc1);
    for (int i = 0; i < params.size(); i++) {
      NDArray p = params.get(i);
      NDArray g = grads.get(i);
      NDArray m = moments.get(i);
      NDArray v = variances.get(i);
      m.tempAttach(step);
      v.tempAttach(step);
      p.muli((float) (1 - lr * weightDecay));
      m.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
      v.muli((float) beta2).addi(g.mul(g).muli((float) (1 - beta2)));
      NDArray denom = v.sqrt().divi((float) bc2Sqrt).addi((float) eps);
      p.subi(m.div(denom).muli(stepSize));
    }
  }
}
