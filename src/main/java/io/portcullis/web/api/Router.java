package io.portcullis.web.api;

import io.portcullis.web.Exchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The routes of {@code /api/v1}, declared as path templates so that the OpenAPI document can be checked
 * against exactly what the server answers.
 *
 * <p>A template is a path below {@code /api/v1} whose segments are literals, {@code {var}} (one segment) or
 * {@code {var...}} (one or more segments, for repository names such as {@code acme/team/app}). Templates
 * are tried in the order they were added, so a more specific template ({@code /repositories/{name...}/users})
 * must be added before a catch-all ({@code /repositories/{name...}}). Not thread-safe while routes are added;
 * safe to use concurrently afterwards.
 */
public final class Router {
  /** Handles one request whose path matched; {@code params} holds the decoded template variables. */
  @FunctionalInterface
  public interface Handler {
    void handle(Exchange ex, Params params) throws IOException;
  }

  /** The template variables of a matched request. */
  public record Params(Map<String, String> values) {
    public String get(String name) {
      String value = values.get(name);
      if (value == null) {
        throw new IllegalStateException("no path variable " + name);
      }
      return value;
    }
  }

  /** One operation: an HTTP method on a template, with the name its requests are counted under. */
  public record Route(String method, String template, String name) {
    /** The template as OpenAPI spells it: {@code {name...}} becomes {@code {name}}. */
    public String openApiPath() {
      return template.replace("...}", "}");
    }
  }

  private record Entry(String template, Pattern pattern, List<String> variables, Map<String, Target> byMethod) {}

  private record Target(String name, Handler handler) {}

  private static final Pattern VARIABLE = Pattern.compile("\\{([a-zA-Z]+)(\\.\\.\\.)?}");

  private final Map<String, Entry> entries = new LinkedHashMap<>();

  /**
   * Adds a handler for {@code method} on {@code template}.
   *
   * @throws IllegalArgumentException if the method is already routed for the template
   */
  public Router add(String method, String template, String name, Handler handler) {
    Entry entry = entries.computeIfAbsent(template, Router::compile);
    if (entry.byMethod().putIfAbsent(method, new Target(name, handler)) != null) {
      throw new IllegalArgumentException(method + " " + template + " is routed twice");
    }
    return this;
  }

  /** Every route, in the order the templates were added. */
  public List<Route> routes() {
    List<Route> routes = new ArrayList<>();
    entries.values().forEach(e -> e.byMethod().forEach((method, t) -> routes.add(new Route(method, e.template(), t.name()))));
    return routes;
  }

  /**
   * Dispatches {@code path} (below {@code /api/v1}) to the first template that matches it.
   *
   * @throws Problem.Failure 404 when no template matches, 405 (with {@code Allow}) when the template does
   *                         not take the method
   */
  public void dispatch(Exchange ex, String path) throws IOException {
    for (Entry entry : entries.values()) {
      Matcher matcher = entry.pattern().matcher(path);
      if (!matcher.matches()) {
        continue;
      }
      Target target = entry.byMethod().get(ex.method());
      if (target == null && ex.method().equals("HEAD")) {
        target = entry.byMethod().get("GET");
      }
      if (target == null) {
        ex.route("api.method");
        Set<String> allowed = new LinkedHashSet<>(entry.byMethod().keySet());
        ex.header("Allow", String.join(", ", allowed));
        throw new Problem(405, "Method Not Allowed", ex.method() + " is not supported on " + ex.path()
            + " (allowed: " + String.join(", ", allowed) + ")").failure();
      }
      ex.route(target.name());
      Map<String, String> values = new HashMap<>();
      for (int i = 0; i < entry.variables().size(); i++) {
        values.put(entry.variables().get(i), matcher.group(i + 1));
      }
      target.handler().handle(ex, new Params(values));
      return;
    }
    ex.route("api.unknown");
    throw Problem.notFound(noResource(ex.path())).failure();
  }

  /** The detail of the 404 for a path no template matches (distinct from "resource not found"). */
  public static String noResource(String path) {
    return "no API resource at " + path;
  }

  private static Entry compile(String template) {
    if (!template.startsWith("/")) {
      throw new IllegalArgumentException("template must start with '/': " + template);
    }
    StringBuilder regex = new StringBuilder();
    List<String> variables = new ArrayList<>();
    Matcher m = VARIABLE.matcher(template);
    int last = 0;
    while (m.find()) {
      regex.append(Pattern.quote(template.substring(last, m.start())));
      regex.append(m.group(2) == null ? "([^/]+)" : "(.+)");
      variables.add(m.group(1));
      last = m.end();
    }
    regex.append(Pattern.quote(template.substring(last)));
    return new Entry(template, Pattern.compile(regex.toString()), List.copyOf(variables), new LinkedHashMap<>());
  }
}
