package dev.depthscope.core.analysis;

import java.io.Serializable;

/**
 * Where an audit keeps what it has finished, so a run that is killed can be resumed without redoing
 * it: each sweep chunk's {@link ChunkResult} and each joint pass after the sweep (the summary's
 * cut, the removal search, their multiple-choice accuracy), keyed by the sets the pass measured.
 * The audit asks before it runs a piece of work and records it right after; it redoes only what is
 * not recorded. The default keeps nothing.
 */
public interface AuditJournal {
  /** The recorded result of chunk {@code index}, or null when it has to run. */
  ChunkResult chunk(int index);

  /** Records a finished chunk (durably, before the audit moves on). */
  void chunkDone(ChunkResult result);

  /** The recorded joint pass under {@code key}, or null when it has to run. */
  JointPass pass(String key);

  /**
   * {@link #pass(String)}, for a journal that may run the pass itself (a distributed one): it tells
   * {@code progress} of the block evaluations as they finish. By default the journal only looks the
   * pass up.
   */
  default JointPass pass(String key, PruningSweep.ProgressListener progress) {
    return pass(key);
  }

  /** Records a finished joint pass under {@code key}. */
  void passDone(String key, JointPass pass);

  /**
   * One joint pass after the sweep.
   *
   * @param values per measured set (in the order of the key): per NLL row the summed NLL (nats), or
   *     per question the multiple-choice correctness
   * @param blockEvaluations blocks the pass ran
   */
  record JointPass(double[][] values, long blockEvaluations) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** A journal that keeps nothing (an audit that cannot be resumed). */
  AuditJournal NONE =
      new AuditJournal() {
        @Override
        public ChunkResult chunk(int index) {
          return null;
        }

        @Override
        public void chunkDone(ChunkResult result) {}

        @Override
        public JointPass pass(String key) {
          return null;
        }

        @Override
        public void passDone(String key, JointPass pass) {}
      };
}
