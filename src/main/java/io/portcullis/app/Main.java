package io.portcullis.app;

/** Entry point of the {@code portcullis} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("portcullis");
  }
}
