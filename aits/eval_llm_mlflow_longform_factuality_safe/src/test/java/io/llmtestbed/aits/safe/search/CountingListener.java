package io.llmtestbed.aits.safe.search;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP listener on a loopback alias (e.g. 127.0.0.2) that counts the connections it accepts:
 * proof that a refused call opened none.
 */
final class CountingListener implements AutoCloseable {

  private final ServerSocket socket;
  private final AtomicInteger accepted = new AtomicInteger();
  private final Thread thread;

  CountingListener(String address) throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getByName(address));
    thread = new Thread(() -> {
      while (!socket.isClosed()) {
        try (Socket s = socket.accept()) {
          accepted.incrementAndGet();
        } catch (IOException e) {
          return;
        }
      }
    }, "counting-listener");
    thread.setDaemon(true);
    thread.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  int accepted() {
    return accepted.get();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
