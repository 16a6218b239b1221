package io.portcullis.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code portcullis probe URL}: a health check for places that have a JRE but no curl (the container
 * image's HEALTHCHECK): exit 0 when the URL answers 2xx within the timeout, 1 otherwise.
 */
@Command(name = "probe", mixinStandardHelpOptions = true,
    description = "Check a health endpoint (e.g. http://127.0.0.1:5000/readyz); exit 0 when it answers 2xx.")
public final class Probe implements Callable<Integer> {
  @Parameters(paramLabel = "URL", description = "The endpoint to ask.")
  URI url;

  @Override
  public Integer call() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try {
      HttpResponse<String> answer = http.send(
          HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      boolean healthy = answer.statusCode() / 100 == 2;
      (healthy ? System.out : System.err).println(answer.statusCode() + " " + answer.body().strip());
      return healthy ? 0 : 1;
    } catch (java.io.IOException e) {
      System.err.println("portcullis probe: " + url + ": " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }
}
