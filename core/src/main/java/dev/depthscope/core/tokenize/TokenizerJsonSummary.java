package dev.depthscope.core.tokenize;

import com.google.gson.JsonParseException;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import dev.depthscope.core.io.ReadErrors;
import java.io.EOFException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What depthscope needs from a {@code tokenizer.json} besides what DJL exposes: the vocabulary
 * size, whether a post-processor is declared, and the ids of a few named tokens. Read with a
 * streaming parser that skips the merges, so that a 150k-token file costs one pass and no tree.
 *
 * @param vocabSize number of distinct tokens, base vocabulary plus added tokens (what {@code
 *     tokenizers}' {@code get_vocab_size(with_added_tokens=True)} returns)
 * @param hasPostProcessor whether {@code post_processor} is present and not {@code null}
 * @param tokenIds ids of the requested tokens that exist; added tokens win over the base
 *     vocabulary, as in {@code tokenizers}' {@code token_to_id}
 */
record TokenizerJsonSummary(int vocabSize, boolean hasPostProcessor, Map<String, Long> tokenIds) {

  /** The file name inside a model directory. */
  static final String FILE_NAME = "tokenizer.json";

  TokenizerJsonSummary {
    tokenIds = Map.copyOf(tokenIds);
  }

  /** The id of {@code token}, empty when the file does not define it. */
  OptionalLong idOf(String token) {
    Long id = tokenIds.get(token);
    return id == null ? OptionalLong.empty() : OptionalLong.of(id);
  }

  /**
   * Reads {@code file}, resolving the ids of {@code wanted}.
   *
   * @throws TokenizerException naming the file when it is missing, unreadable, not JSON, or has no
   *     {@code model.vocab}
   */
  static TokenizerJsonSummary read(Path file, Collection<String> wanted) {
    requirePresent(file);
    Map<String, Long> vocab = new HashMap<>();
    Map<String, Long> added = new HashMap<>();
    boolean hasVocab = false;
    boolean hasPostProcessor = false;
    try (Reader in = Files.newBufferedReader(file);
        JsonReader reader = new JsonReader(in)) {
      reader.beginObject();
      while (reader.hasNext()) {
        switch (reader.nextName()) {
          case "added_tokens" -> readAddedTokens(reader, added);
          case "post_processor" -> hasPostProcessor = skipNonNull(reader);
          case "model" -> hasVocab = readModelVocab(reader, vocab);
          default -> reader.skipValue();
        }
      }
      reader.endObject();
    } catch (MalformedJsonException
        | EOFException
        | JsonParseException
        | IllegalStateException
        | NumberFormatException e) {
      throw new TokenizerException(
          file + ": not a valid tokenizers file: " + ReadErrors.json(e), e);
    } catch (IOException e) {
      throw new TokenizerException(ReadErrors.ioMessage(file, e), e);
    }
    if (!hasVocab) {
      throw new TokenizerException(file + ": field \"model.vocab\" is missing");
    }
    Map<String, Long> all = new HashMap<>(vocab);
    all.putAll(added);
    Map<String, Long> ids = new HashMap<>();
    for (String token : wanted) {
      Long id = all.get(token);
      if (id != null) {
        ids.put(token, id);
      }
    }
    return new TokenizerJsonSummary(all.size(), hasPostProcessor, ids);
  }

  /**
   * Checks that {@code file} exists.
   *
   * @throws TokenizerException naming the file and what it should hold when it does not
   */
  static void requirePresent(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new TokenizerException(
          file
              + ": file not found; expected the Hugging Face tokenizers file "
              + FILE_NAME
              + " (model, vocabulary, merges, added tokens) in the model directory");
    }
  }

  private static void readAddedTokens(JsonReader reader, Map<String, Long> added)
      throws IOException {
    if (skipIfNull(reader)) {
      return;
    }
    reader.beginArray();
    while (reader.hasNext()) {
      String content = null;
      Long id = null;
      reader.beginObject();
      while (reader.hasNext()) {
        switch (reader.nextName()) {
          case "content" -> content = reader.nextString();
          case "id" -> id = reader.nextLong();
          default -> reader.skipValue();
        }
      }
      reader.endObject();
      if (content != null && id != null) {
        added.put(content, id);
      }
    }
    reader.endArray();
  }

  /** Reads {@code model}, filling {@code vocab}; returns whether a vocabulary was found. */
  private static boolean readModelVocab(JsonReader reader, Map<String, Long> vocab)
      throws IOException {
    if (skipIfNull(reader)) {
      return false;
    }
    boolean found = false;
    reader.beginObject();
    while (reader.hasNext()) {
      if (!reader.nextName().equals("vocab")) {
        reader.skipValue();
      } else if (reader.peek() == JsonToken.BEGIN_OBJECT) {
        // BPE, WordPiece, WordLevel: {"token": id, ...}
        reader.beginObject();
        while (reader.hasNext()) {
          vocab.put(reader.nextName(), reader.nextLong());
        }
        reader.endObject();
        found = true;
      } else if (reader.peek() == JsonToken.BEGIN_ARRAY) {
        // Unigram: [["piece", score], ...], the id being the position
        long id = 0;
        reader.beginArray();
        while (reader.hasNext()) {
          reader.beginArray();
          vocab.put(reader.nextString(), id++);
          while (reader.hasNext()) {
            reader.skipValue();
          }
          reader.endArray();
        }
        reader.endArray();
        found = true;
      } else {
        reader.skipValue();
      }
    }
    reader.endObject();
    return found;
  }

  private static boolean skipIfNull(JsonReader reader) throws IOException {
    if (reader.peek() == JsonToken.NULL) {
      reader.nextNull();
      return true;
    }
    return false;
  }

  /** Skips a value; returns whether it was something other than {@code null}. */
  private static boolean skipNonNull(JsonReader reader) throws IOException {
    if (skipIfNull(reader)) {
      return false;
    }
    reader.skipValue();
    return true;
  }
}
