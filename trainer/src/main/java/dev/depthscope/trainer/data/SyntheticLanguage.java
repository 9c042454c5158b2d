package dev.depthscope.trainer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small synthetic language, generated from a seed, whose sentences need several steps of
 * computation to predict, so that depth helps and the curse of depth can show:
 *
 * <ul>
 *   <li><b>arithmetic</b>: {@code 4 7 + 8 - 1 9 = 3 6 .} (digits are tokens; carries and borrows
 *       need several layers),
 *   <li><b>brackets</b>: balanced words over {@code ( ) [ ] { }} nested up to six deep; each
 *       closing bracket is determined by what opened last,
 *   <li><b>agreement</b>: {@code the dog that the cats near the bird see runs .}: the main verb
 *       agrees with a subject several words and two attractors back,
 *   <li><b>recall</b>: {@code c 3 a 7 f 1 ; a ? 7 .}: look a key up in a list of pairs.
 * </ul>
 *
 * Every token is a whitespace-separated word, so a word-level tokenizer covers the language exactly
 * (see {@link WordTokenizerFiles}). The ids of the four special tokens follow the Brown tokenizer
 * of the reference runs: BOS 0, EOS 1, PAD 2, UNK 3.
 */
public final class SyntheticLanguage {
  /** Beginning-of-sequence token. */
  public static final String BOS = "<bos>";

  /** End-of-sequence token, put between lines in token streams. */
  public static final String EOS = "<eos>";

  /** Padding token. */
  public static final String PAD = "<pad>";

  /** Unknown-word token (never produced by the generator). */
  public static final String UNK = "<unk>";

  private static final String[] NOUNS = {
    "dog", "cat", "bird", "fox", "child", "teacher", "robot", "farmer", "horse", "king"
  };
  private static final String[] PLURALS = {
    "dogs", "cats", "birds", "foxes", "children", "teachers", "robots", "farmers", "horses", "kings"
  };
  private static final String[] INTRANSITIVE = {"runs", "sleeps", "sings", "jumps", "waits"};
  private static final String[] INTRANSITIVE_PL = {"run", "sleep", "sing", "jump", "wait"};
  private static final String[] TRANSITIVE = {"sees", "chases", "helps", "likes"};
  private static final String[] TRANSITIVE_PL = {"see", "chase", "help", "like"};
  private static final String[] KEYS = {"a", "b", "c", "d", "e", "f", "g", "h"};
  private static final String[] OPEN = {"(", "[", "{"};
  private static final String[] CLOSE = {")", "]", "}"};

  private final Map<String, Integer> vocab;

  /** The language with its fixed vocabulary. */
  public SyntheticLanguage() {
    List<String> words = new ArrayList<>(List.of(BOS, EOS, PAD, UNK));
    for (int d = 0; d <= 9; d++) {
      words.add(Integer.toString(d));
    }
    words.addAll(List.of("+", "-", "=", ".", ";", "?", "the", "that", "near"));
    Collections.addAll(words, OPEN);
    Collections.addAll(words, CLOSE);
    Collections.addAll(words, NOUNS);
    Collections.addAll(words, PLURALS);
    Collections.addAll(words, INTRANSITIVE);
    Collections.addAll(words, INTRANSITIVE_PL);
    Collections.addAll(words, TRANSITIVE);
    Collections.addAll(words, TRANSITIVE_PL);
    Collections.addAll(words, KEYS);
    Map<String, Integer> v = new LinkedHashMap<>();
    for (String w : words) {
      if (v.putIfAbsent(w, v.size()) != null) {
        throw new IllegalStateException("duplicate word " + w);
      }
    }
    this.vocab = Collections.unmodifiableMap(v);
  }

  /** Word to id, in id order. */
  public Map<String, Integer> vocab() {
    return vocab;
  }

  /** The id of {@link #EOS}. */
  public int eosId() {
    return vocab.get(EOS);
  }

  /** {@code count} sentences from a generator seeded with {@code seed} (same seed, same text). */
  public List<String> sentences(long seed, int count) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(
          switch (rng.nextInt(4)) {
            case 0 -> arithmetic(rng);
            case 1 -> brackets(rng);
            case 2 -> agreement(rng);
            default -> recall(rng);
          });
    }
    return out;
  }

  /** Token ids of one sentence (no special tokens). */
  public int[] encode(String sentence) {
    String[] words = sentence.strip().split("\\s+");
    int[] ids = new int[words.length];
    for (int i = 0; i < words.length; i++) {
      Integer id = vocab.get(words[i]);
      if (id == null) {
        throw new IllegalArgumentException("word \"" + words[i] + "\" is not in the language");
      }
      ids[i] = id;
    }
    return ids;
  }

  /** Sentences joined into one token stream, each followed by EOS (as the reference data). */
  public int[] stream(List<String> sentences) {
    List<int[]> parts = new ArrayList<>();
    int n = 0;
    for (String s : sentences) {
      int[] ids = encode(s);
      parts.add(ids);
      n += ids.length + 1;
    }
    int[] out = new int[n];
    int at = 0;
    for (int[] ids : parts) {
      System.arraycopy(ids, 0, out, at, ids.length);
      at += ids.length;
      out[at++] = eosId();
    }
    return out;
  }

  static String arithmetic(SplittableRandom rng) {
    int terms = 2 + rng.nextInt(2);
    int value = rng.nextInt(100);
    StringBuilder b = new StringBuilder(digits(value));
    for (int t = 1; t < terms; t++) {
      int x = rng.nextInt(100);
      if (rng.nextBoolean() || x > value) {
        b.append(" + ").append(digits(x));
        value += x;
      } else {
        b.append(" - ").append(digits(x));
        value -= x;
      }
    }
    return b.append(" = ").append(digits(value)).append(" .").toString();
  }

  private static String digits(int v) {
    return String.join(" ", Integer.toString(v).split(""));
  }

  static String brackets(SplittableRandom rng) {
    List<String> words = new ArrayList<>();
    List<Integer> stack = new ArrayList<>();
    int length = 4 + rng.nextInt(17);
    while (words.size() < length || !stack.isEmpty()) {
      boolean open =
          stack.isEmpty() || (words.size() < length && stack.size() < 6 && rng.nextInt(5) < 3);
      if (open) {
        int k = rng.nextInt(3);
        stack.add(k);
        words.add(OPEN[k]);
      } else {
        words.add(CLOSE[stack.remove(stack.size() - 1)]);
      }
    }
    words.add(".");
    return String.join(" ", words);
  }

  static String agreement(SplittableRandom rng) {
    boolean plural = rng.nextBoolean();
    StringBuilder b = new StringBuilder("the ").append(noun(rng, plural));
    if (rng.nextInt(3) > 0) {
      // Relative clause with an attractor of the opposite number: "that the cats see".
      boolean inner = !plural || rng.nextInt(4) == 0;
      b.append(" that the ").append(noun(rng, inner));
      if (rng.nextBoolean()) {
        b.append(" near the ").append(noun(rng, rng.nextBoolean()));
      }
      b.append(' ').append(pick(rng, inner ? TRANSITIVE_PL : TRANSITIVE));
    }
    if (rng.nextBoolean()) {
      b.append(' ').append(pick(rng, plural ? INTRANSITIVE_PL : INTRANSITIVE));
    } else {
      b.append(' ')
          .append(pick(rng, plural ? TRANSITIVE_PL : TRANSITIVE))
          .append(" the ")
          .append(noun(rng, rng.nextBoolean()));
    }
    return b.append(" .").toString();
  }

  static String recall(SplittableRandom rng) {
    int pairs = 3 + rng.nextInt(4);
    List<String> keys = new ArrayList<>(List.of(KEYS));
    StringBuilder b = new StringBuilder();
    String[] chosen = new String[pairs];
    int[] values = new int[pairs];
    for (int i = 0; i < pairs; i++) {
      chosen[i] = keys.remove(rng.nextInt(keys.size()));
      values[i] = rng.nextInt(10);
      b.append(chosen[i]).append(' ').append(values[i]).append(' ');
    }
    int q = rng.nextInt(pairs);
    return b.append("; ").append(chosen[q]).append(" ? ").append(values[q]).append(" .").toString();
  }

  private static String noun(SplittableRandom rng, boolean plural) {
    return pick(rng, plural ? PLURALS : NOUNS);
  }

  private static String pick(SplittableRandom rng, String[] words) {
    return words[rng.nextInt(words.length)];
  }
}
