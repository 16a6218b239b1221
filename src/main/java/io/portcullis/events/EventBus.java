package io.portcullis.events;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process event bus. Publishers call {@link #publish} after their transaction committed; each
 * subscriber drains its own bounded queue on its own virtual thread, so a slow or failing subscriber
 * never delays or fails the request that caused the event.
 */
public final class EventBus implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventBus.class);
  private static final int QUEUE_CAPACITY = 65_536;

  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  /** Subscribes a handler that receives batches of events (at least one) in publication order. */
  public void subscribe(String name, Consumer<List<RegistryEvent>> handler) {
    subscribe(name, handler, 0);
  }

  /**
   * Subscribes a handler that, after the first event of a batch arrives, waits {@code lingerMillis} for
   * more: fewer, larger batches for subscribers whose cost is per batch (a database transaction).
   */
  public void subscribe(String name, Consumer<List<RegistryEvent>> handler, long lingerMillis) {
    Subscription subscription = new Subscription(name, handler, lingerMillis);
    subscriptions.add(subscription);
    subscription.thread = Thread.ofVirtual().name("events-" + name).start(subscription::drain);
  }

  public void publish(RegistryEvent event) {
    for (Subscription subscription : subscriptions) {
      if (!subscription.queue.offer(event)) {
        long dropped = subscription.dropped.incrementAndGet();
        if (dropped == 1 || dropped % 10_000 == 0) {
          log.warn("subscriber {} is behind; dropped {} events so far", subscription.name, dropped);
        }
      }
    }
  }

  /** Total events dropped because a subscriber fell behind by more than its queue. */
  public long dropped() {
    return subscriptions.stream().mapToLong(s -> s.dropped.get()).sum();
  }

  /** Delivers what is queued, then stops the subscribers. */
  @Override
  public void close() {
    closed = true;
    for (Subscription subscription : subscriptions) {
      try {
        subscription.thread.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private final class Subscription {
    final String name;
    final Consumer<List<RegistryEvent>> handler;
    final BlockingQueue<RegistryEvent> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    final AtomicLong dropped = new AtomicLong();
    final long lingerMillis;
    Thread thread;

    Subscription(String name, Consumer<List<RegistryEvent>> handler, long lingerMillis) {
      this.name = name;
      this.handler = handler;
      this.lingerMillis = lingerMillis;
    }

    void drain() {
      List<RegistryEvent> batch = new java.util.ArrayList<>();
      while (true) {
        try {
          RegistryEvent first = queue.poll(100, TimeUnit.MILLISECONDS);
          if (first == null) {
            if (closed) {
              return;
            }
            continue;
          }
          batch.add(first);
          if (lingerMillis > 0 && !closed) {
            Thread.sleep(lingerMillis);
          }
          queue.drainTo(batch, 9_999);
          handler.accept(List.copyOf(batch));
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          log.error("subscriber {} failed on {} events", name, batch.size(), e);
        } finally {
          batch.clear();
        }
      }
    }
  }
}
