package dev.depthscope.core.analysis;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A small explicit binary encoding of {@link ChunkResult} and {@link AuditJournal.JointPass}, for
 * the journal of a resumable audit and for sending chunk results between processes without Java
 * serialization: big-endian, every double as its raw 64 bits (so a decoded result is the encoded
 * one to the bit), a magic and version first and a CRC-32 of everything before it last. Decoding
 * refuses a wrong magic, version, length or checksum with {@link IllegalArgumentException}.
 */
public final class ChunkCodec {
  private static final int CHUNK_MAGIC = 0x4453434b; // "DSCK"
  private static final int PASS_MAGIC = 0x44534a50; // "DSJP"
  private static final int VERSION = 3;
  // Bounds the lengths read back, so a damaged file cannot ask for a huge allocation.
  private static final int MAX_LENGTH = 1 << 28;

  private ChunkCodec() {}

  /** The bytes of {@code r}. */
  public static byte[] encode(ChunkResult r) {
    return write(
        CHUNK_MAGIC,
        out -> {
          out.writeInt(r.chunk());
          doubles(out, r.base());
          matrix(out, r.pruned());
          out.writeInt(r.hidden().size());
          for (HiddenStateMetrics.Partial p : r.hidden()) {
            doubles(out, p.variance());
            doubles(out, p.angular());
            doubles(out, p.influence());
            matrix(out, p.matrix());
            out.writeLong(p.positions());
            out.writeLong(p.sequences());
          }
          out.writeInt(r.peers().size());
          for (PeerMetrics.Partial p : r.peers()) {
            doubles(out, p.angularLast());
            doubles(out, p.influence());
            doubles(out, p.post());
            doubles(out, p.toOutput());
            out.writeLong(p.positions());
            out.writeLong(p.sequences());
          }
          out.writeInt(r.mechanism().size());
          for (MechanismProbe.Partial p : r.mechanism()) {
            mechanism(out, p);
          }
          longMatrix(out, r.expertLoad());
          out.writeLong(r.blockEvaluations());
          out.writeLong(r.spilledBytes());
          out.writeLong(Double.doubleToRawLongBits(r.seconds()));
        });
  }

  /** The chunk result encoded in {@code bytes}. */
  public static ChunkResult decodeChunk(byte[] bytes) {
    return read(
        CHUNK_MAGIC,
        bytes,
        in -> {
          int chunk = in.readInt();
          double[] base = doubles(in);
          double[][] pruned = matrix(in);
          int n = length(in);
          List<HiddenStateMetrics.Partial> hidden = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            hidden.add(
                new HiddenStateMetrics.Partial(
                    doubles(in),
                    doubles(in),
                    doubles(in),
                    matrix(in),
                    in.readLong(),
                    in.readLong()));
          }
          int np = length(in);
          List<PeerMetrics.Partial> peers = new ArrayList<>(np);
          for (int i = 0; i < np; i++) {
            peers.add(
                new PeerMetrics.Partial(
                    doubles(in),
                    doubles(in),
                    doubles(in),
                    doubles(in),
                    in.readLong(),
                    in.readLong()));
          }
          int nm = length(in);
          List<MechanismProbe.Partial> mechanism = new ArrayList<>(nm);
          for (int i = 0; i < nm; i++) {
            mechanism.add(mechanism(in));
          }
          long[][] load = longMatrix(in);
          return new ChunkResult(
              chunk,
              base,
              pruned,
              hidden,
              peers,
              mechanism,
              load,
              in.readLong(),
              in.readLong(),
              Double.longBitsToDouble(in.readLong()));
        });
  }

  /** The bytes of {@code pass}, measured under {@code key}. */
  public static byte[] encode(String key, AuditJournal.JointPass pass) {
    return write(
        PASS_MAGIC,
        out -> {
          out.writeUTF(key);
          matrix(out, pass.values());
          out.writeLong(pass.blockEvaluations());
        });
  }

  /**
   * The joint pass encoded in {@code bytes}, or null when it was recorded under another key than
   * {@code key}.
   */
  public static AuditJournal.JointPass decodePass(String key, byte[] bytes) {
    return read(
        PASS_MAGIC,
        bytes,
        in -> {
          String k = in.readUTF();
          double[][] values = matrix(in);
          long evaluations = in.readLong();
          return k.equals(key) ? new AuditJournal.JointPass(values, evaluations) : null;
        });
  }

  private static void mechanism(DataOutputStream out, MechanismProbe.Partial p) throws IOException {
    matrix(out, p.update());
    matrix(out, p.input());
    double[][][] probes = p.probeSquares();
    out.writeInt(probes == null ? -1 : probes.length);
    for (int l = 0; probes != null && l < probes.length; l++) {
      matrix(out, probes[l]);
    }
    out.writeBoolean(p.lens() != null);
    if (p.lens() != null) {
      matrix(out, p.lens().rowNll());
      longMatrix(out, new long[][] {p.lens().agree()});
      out.writeLong(p.lens().positions());
    }
    out.writeLong(Double.doubleToRawLongBits(p.entriesPerRow()));
    out.writeLong(Double.doubleToRawLongBits(p.seconds()));
  }

  private static MechanismProbe.Partial mechanism(DataInputStream in) throws IOException {
    double[][] update = matrix(in);
    double[][] input = matrix(in);
    int layers = in.readInt();
    if (layers > MAX_LENGTH) {
      throw new IllegalArgumentException("a length of " + layers + " is out of range");
    }
    double[][][] probes = layers < 0 ? null : new double[layers][][];
    for (int l = 0; l < layers; l++) {
      probes[l] = matrix(in);
    }
    LogitLens.Partial lens = null;
    if (in.readBoolean()) {
      lens = new LogitLens.Partial(matrix(in), longMatrix(in)[0], in.readLong());
    }
    return new MechanismProbe.Partial(
        update,
        input,
        probes,
        lens,
        Double.longBitsToDouble(in.readLong()),
        Double.longBitsToDouble(in.readLong()));
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  private static byte[] write(int magic, Writer body) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(magic);
      out.writeInt(VERSION);
      body.write(out);
      out.flush();
      CRC32 crc = new CRC32();
      crc.update(bytes.toByteArray());
      out.writeLong(crc.getValue());
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T read(int magic, byte[] bytes, Reader<T> body) {
    if (bytes.length < 16) {
      throw new IllegalArgumentException("truncated (" + bytes.length + " bytes)");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 8);
    long stored = 0;
    for (int i = bytes.length - 8; i < bytes.length; i++) {
      stored = (stored << 8) | (bytes[i] & 0xff);
    }
    if (stored != crc.getValue()) {
      throw new IllegalArgumentException("checksum mismatch");
    }
    try (DataInputStream in =
        new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 8))) {
      if (in.readInt() != magic) {
        throw new IllegalArgumentException("not a depthscope journal record");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new IllegalArgumentException("journal record version " + version);
      }
      T value = body.read(in);
      if (in.available() != 0) {
        throw new IllegalArgumentException(in.available() + " trailing bytes");
      }
      return value;
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated record", e);
    }
  }

  private static int length(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < -1 || n > MAX_LENGTH) {
      throw new IllegalArgumentException("bad length " + n);
    }
    return n;
  }

  private static void doubles(DataOutputStream out, double[] x) throws IOException {
    if (x == null) {
      out.writeInt(-1);
      return;
    }
    out.writeInt(x.length);
    for (double v : x) {
      out.writeLong(Double.doubleToRawLongBits(v));
    }
  }

  private static double[] doubles(DataInputStream in) throws IOException {
    int n = length(in);
    if (n < 0) {
      return null;
    }
    if (n > in.available() / 8) {
      throw new IllegalArgumentException("truncated record");
    }
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = Double.longBitsToDouble(in.readLong());
    }
    return x;
  }

  private static void matrix(DataOutputStream out, double[][] x) throws IOException {
    out.writeInt(x == null ? -1 : x.length);
    if (x != null) {
      for (double[] row : x) {
        doubles(out, row);
      }
    }
  }

  private static double[][] matrix(DataInputStream in) throws IOException {
    int n = length(in);
    if (n < 0) {
      return null;
    }
    double[][] x = new double[n][];
    for (int i = 0; i < n; i++) {
      x[i] = doubles(in);
    }
    return x;
  }

  private static void longMatrix(DataOutputStream out, long[][] x) throws IOException {
    out.writeInt(x == null ? -1 : x.length);
    if (x != null) {
      for (long[] row : x) {
        out.writeInt(row == null ? -1 : row.length);
        if (row != null) {
          for (long v : row) {
            out.writeLong(v);
          }
        }
      }
    }
  }

  private static long[][] longMatrix(DataInputStream in) throws IOException {
    int n = length(in);
    if (n < 0) {
      return null;
    }
    long[][] x = new long[n][];
    for (int i = 0; i < n; i++) {
      int m = length(in);
      if (m > in.available() / 8) {
        throw new IllegalArgumentException("truncated record");
      }
      if (m >= 0) {
        x[i] = new long[m];
        for (int k = 0; k < m; k++) {
          x[i][k] = in.readLong();
        }
      }
    }
    return x;
  }
}
