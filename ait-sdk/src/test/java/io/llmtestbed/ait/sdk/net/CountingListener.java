package io.llmtestbed.ait.sdk.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP listener on a loopback alias that accepts and counts connections (and closes them), to
 * prove that a denied call never connected.
 */
final class CountingListener implements AutoCloseable {

  private final ServerSocket server;
  private final AtomicInteger accepted = new AtomicInteger();
  private final Thread thread;

  CountingListener(String address) throws IOException {
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName(address), 0), 50);
    thread = new Thread(this::acceptLoop, "counting-listener-" + address);
    thread.setDaemon(true);
    thread.start();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        accepted.incrementAndGet();
      } catch (IOException e) {
        return;
      }
    }
  }

  int port() {
    return server.getLocalPort();
  }

  String url(String path) {
    return "http://" + server.getInetAddress().getHostAddress() + ":" + port() + path;
  }

  /** Connections accepted so far, after giving in-flight ones a moment to arrive. */
  int accepted() throws InterruptedException {
    Thread.sleep(100);
    return accepted.get();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
