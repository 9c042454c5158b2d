package dev.depthscope.core.analysis;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How an audit's sweep work is cut up: the evaluation rows in batches (the NLL rows in order,
 * {@code batchRows} a batch, then the multiple-choice rows sorted by length, batched by {@link
 * McBatches} within a token budget of {@code batchRows} windows), and consecutive batches of one
 * kind grouped into chunks, the unit of work that {@link AuditChunks#run} runs, a resumed audit
 * skips when it is journaled, and a distributed driver can send to a worker. The batches depend
 * only on the inputs and {@code batchRows}; the grouping only on the batch counts: about {@link
 * #TARGET_CHUNKS} chunks, so a chunk is about a tenth of the sweep's work (one batch per chunk when
 * there are fewer batches than that). Since every batch is computed on its own and {@link
 * AuditAssembly} reduces per-batch results in batch order, the grouping never changes a number.
 *
 * <p>In streaming mode every chunk reads every block's weights once (the sweep is block-major
 * inside a chunk), so chunking costs up to {@link #TARGET_CHUNKS} weight passes instead of one.
 */
public final class AuditPlan implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Chunks an audit aims for: a resume redoes at most about one of them. */
  public static final int TARGET_CHUNKS = 10;

  /** Which rows a chunk's batches hold. */
  public enum Kind {
    /** Equal-length NLL rows ({@code --text} windows or {@code --token-ids} rows). */
    NLL,
    /** Multiple-choice questions, one packed row each ({@link McBatches}). */
    MC
  }

  /**
   * Batches {@code firstBatch} (inclusive) to {@code endBatch} (exclusive) of one kind.
   *
   * @param index position in {@link #chunks}
   * @param kind the rows the batches hold
   * @param firstBatch first batch, counted within the kind
   * @param endBatch one past the last batch
   */
  public record Chunk(int index, Kind kind, int firstBatch, int endBatch) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Batches in the chunk. */
    public int batches() {
      return endBatch - firstBatch;
    }
  }

  private final int layers;
  private final LayerAudit.Inputs inputs;
  private final int batchRows;
  private final int nllBatches;
  private final int mcBatches;
  private final int batchesPerChunk;
  private final List<Chunk> chunks;
  private transient McBatches mc;

  private AuditPlan(int layers, LayerAudit.Inputs inputs, int batchRows, int targetChunks) {
    if (batchRows < 1) {
      throw new IllegalArgumentException("batch rows must be at least 1, got " + batchRows);
    }
    if (targetChunks < 1) {
      throw new IllegalArgumentException("target chunks must be at least 1, got " + targetChunks);
    }
    this.layers = layers;
    this.inputs = inputs;
    this.batchRows = batchRows;
    this.nllBatches = inputs.rows() == null ? 0 : ceil(inputs.rows().length, batchRows);
    this.mcBatches = inputs.mc() == null ? 0 : McBatches.count(inputs.mc(), batchRows);
    this.batchesPerChunk = Math.max(1, ceil(nllBatches + mcBatches, targetChunks));
    List<Chunk> list = new ArrayList<>();
    for (int b = 0; b < nllBatches; b += batchesPerChunk) {
      list.add(new Chunk(list.size(), Kind.NLL, b, Math.min(nllBatches, b + batchesPerChunk)));
    }
    for (int b = 0; b < mcBatches; b += batchesPerChunk) {
      list.add(new Chunk(list.size(), Kind.MC, b, Math.min(mcBatches, b + batchesPerChunk)));
    }
    this.chunks = List.copyOf(list);
  }

  /** The plan for auditing {@code inputs} on a model of {@code layers} blocks. */
  public static AuditPlan of(int layers, LayerAudit.Inputs inputs, int batchRows) {
    return new AuditPlan(layers, inputs, batchRows, TARGET_CHUNKS);
  }

  /**
   * The plan with about {@code targetChunks} chunks instead of {@link #TARGET_CHUNKS} (e.g. at
   * least one per worker of a distributed audit); the batches, and so every number, are the same.
   */
  public static AuditPlan of(
      int layers, LayerAudit.Inputs inputs, int batchRows, int targetChunks) {
    return new AuditPlan(layers, inputs, batchRows, targetChunks);
  }

  private static int ceil(long n, long d) {
    return Math.toIntExact((n + d - 1) / d);
  }

  /** The model's blocks. */
  public int layers() {
    return layers;
  }

  /** The evaluation data. */
  public LayerAudit.Inputs inputs() {
    return inputs;
  }

  /** Rows per batch. */
  public int batchRows() {
    return batchRows;
  }

  /** The chunks, NLL batches first, in batch order. */
  public List<Chunk> chunks() {
    return chunks;
  }

  /** Batches per chunk (the last chunk of a kind may have fewer). */
  public int batchesPerChunk() {
    return batchesPerChunk;
  }

  /** Batches of {@code kind}. */
  public int batches(Kind kind) {
    return kind == Kind.NLL ? nllBatches : mcBatches;
  }

  /** All batches of both kinds. */
  public int batches() {
    return nllBatches + mcBatches;
  }

  /** Block evaluations the sweep of {@code chunk} costs. */
  public long blockEvaluations(Chunk chunk) {
    return chunk.batches() * PruningSweep.cost(layers);
  }

  /** Block evaluations of the whole sweep. */
  public long blockEvaluations() {
    return batches() * PruningSweep.cost(layers);
  }

  /** Block evaluations of the chunks before {@code chunk}. */
  long blockEvaluationsBefore(Chunk chunk) {
    long n = 0;
    for (Chunk c : chunks.subList(0, chunk.index())) {
      n += blockEvaluations(c);
    }
    return n;
  }

  /** {@code chunk}'s batches: causal text windows, or packed multiple-choice rows. */
  List<SweepBatch> batchRows(Chunk chunk) {
    List<SweepBatch> out = new ArrayList<>();
    for (int b = chunk.firstBatch(); b < chunk.endBatch(); b++) {
      out.add(
          chunk.kind() == Kind.NLL ? SweepBatch.causal(nllBatch(b)) : mcBatches().batches().get(b));
    }
    return out;
  }

  /** Every NLL batch, in order. */
  List<long[][]> nllBatches() {
    List<long[][]> out = new ArrayList<>();
    for (int b = 0; b < nllBatches; b++) {
      out.add(nllBatch(b));
    }
    return out;
  }

  /**
   * The index of {@code chunk}'s first row among the rows of its kind (the NLL rows in order, the
   * MC rows sorted by length).
   */
  int firstRow(Chunk chunk) {
    return chunk.kind() == Kind.NLL
        ? chunk.firstBatch() * batchRows
        : mcBatches().start(chunk.firstBatch());
  }

  private long[][] nllBatch(int b) {
    long[][] rows = inputs.rows();
    return Arrays.copyOfRange(rows, b * batchRows, Math.min(rows.length, (b + 1) * batchRows));
  }

  /** The multiple-choice rows in batches (null without MC). */
  synchronized McBatches mcBatches() {
    if (mc == null && inputs.mc() != null) {
      mc = new McBatches(inputs.mc(), batchRows);
    }
    return mc;
  }
}
