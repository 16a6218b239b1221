package io.portcullis.mirror.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What a client waiting on a fetched blob receives, and when. */
class TeeTest {
  static final byte[] BLOB = "0123456789abcdefghij".getBytes();

  /** Collects what the client gets; {@code failAfter} bytes in, it goes away. */
  static final class Client implements PullThroughCache.Receiver {
    final ByteArrayOutputStream got = new ByteArrayOutputStream();
    long size = -1;
    boolean finished;
    int failAfter = Integer.MAX_VALUE;

    @Override
    public void start(long size) {
      this.size = size;
    }

    @Override
    public void write(ByteBuffer bytes) throws IOException {
      if (got.size() >= failAfter) {
        throw new IOException("client went away");
      }
      byte[] b = new byte[bytes.remaining()];
      bytes.get(b);
      got.write(b);
    }

    @Override
    public void finish() {
      finished = true;
    }
  }

  static void feed(PullThroughCache.Tee tee, int from, int to) {
    tee.accept(from, ByteBuffer.wrap(Arrays.copyOfRange(BLOB, from, to)));
  }

  @Test
  void bytesGoOutOnceAsTheyArriveAndTheLastOnlyWhenTheBlobIsStored() throws IOException {
    Client client = new Client();
    PullThroughCache.Tee tee = new PullThroughCache.Tee(client, BLOB.length);
    feed(tee, 0, 8);
    assertThat(client.size).isEqualTo(BLOB.length);
    assertThat(client.got.toString()).isEqualTo("01234567");
    // A broken chunk cut back to 4 and sent again: what the client has is not sent twice.
    feed(tee, 4, 12);
    feed(tee, 12, 20);
    assertThat(client.got.toString()).as("the last byte waits for the digest check").isEqualTo("0123456789abcdefghi");
    assertThat(client.finished).isFalse();
    tee.finish();
    assertThat(client.got.toByteArray()).isEqualTo(BLOB);
    assertThat(client.finished).isTrue();
  }

  @Test
  void aClientThatGoesAwayIsDroppedAndItsFailureThrownAtTheEnd() {
    Client client = new Client();
    client.failAfter = 5;
    PullThroughCache.Tee tee = new PullThroughCache.Tee(client, BLOB.length);
    feed(tee, 0, 5);
    feed(tee, 5, 10);
    feed(tee, 10, 20);
    assertThat(client.got.toString()).isEqualTo("01234");
    assertThatThrownBy(tee::finish).isInstanceOf(IOException.class).hasMessage("client went away");
    assertThat(client.finished).isFalse();
  }

  @Test
  void anEmptyBlobOnlyStartsAndFinishes() throws IOException {
    Client client = new Client();
    PullThroughCache.Tee tee = new PullThroughCache.Tee(client, 0);
    tee.finish();
    assertThat(client.size).isZero();
    assertThat(client.got.size()).isZero();
    assertThat(client.finished).isTrue();
  }
}
