package dev.pgkeeper.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy between a client and a server that a test can break on purpose: forward traffic
 * ({@link Mode#FORWARD}), swallow it while keeping every socket open ({@link Mode#BLACK_HOLE}: the peer
 * accepts but never answers), turn new connections away while open ones keep working
 * ({@link Mode#REFUSE_NEW}), or delay each chunk ({@link #latencyMillis(int)}). {@link #resetAll()}
 * closes every connection at once, as a network reset would.
 *
 * <p>Listens on 127.0.0.1 on a free port. Thread-safe; {@link #close()} stops everything.
 */
public final class TcpProxy implements AutoCloseable {

    /** What the proxy does with traffic. */
    public enum Mode {
        /** Pass bytes both ways. */
        FORWARD,
        /** Accept connections and read bytes, but never forward or answer anything. */
        BLACK_HOLE,
        /** Keep forwarding on open connections, but close new ones at once (a server out of slots, a firewall change). */
        REFUSE_NEW
    }

    private final String upstreamHost;
    private final int upstreamPort;
    private final ServerSocket listener;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger threads = new AtomicInteger();
    private volatile Mode mode = Mode.FORWARD;
    private volatile int latencyMillis;
    private volatile boolean closed;

    private TcpProxy(String upstreamHost, int upstreamPort) throws IOException {
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("tcp-proxy-accept-" + listener.getLocalPort(), this::acceptLoop).start();
    }

    /** Starts a proxy in front of {@code host:port}. */
    public static TcpProxy start(String host, int port) {
        try {
            return new TcpProxy(host, port);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start a TCP proxy", e);
        }
    }

    /** The port clients connect to. */
    public int port() {
        return listener.getLocalPort();
    }

    /** The host clients connect to. */
    public String host() {
        return "127.0.0.1";
    }

    /** Changes what happens to traffic from now on, on open connections too. */
    public void mode(Mode newMode) {
        this.mode = newMode;
    }

    /** Delays every forwarded chunk by this many milliseconds (0 for none). */
    public void latencyMillis(int millis) {
        this.latencyMillis = millis;
    }

    /** Closes every open connection (clients see a reset or end of stream); new ones are still accepted. */
    public void resetAll() {
        for (Socket s : sockets) {
            try {
                s.setSoLinger(true, 0); // send RST rather than FIN
                s.close();
            } catch (IOException e) {
                // already closed
            }
        }
        sockets.clear();
    }

    /** Connections open right now (client and upstream sides counted separately). */
    public int openSockets() {
        return sockets.size();
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // ignore
        }
        resetAll();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                sockets.add(client);
                daemon("tcp-proxy-conn-" + threads.incrementAndGet(), () -> connect(client)).start();
            } catch (IOException e) {
                if (!closed) {
                    sleep(10);
                }
            }
        }
    }

    private void connect(Socket client) {
        if (mode == Mode.REFUSE_NEW) {
            closeQuietly(client);
            return;
        }
        // In black-hole mode a new connection gets no upstream: the client waits for a greeting that never comes.
        while (mode == Mode.BLACK_HOLE && !closed && !client.isClosed()) {
            drain(client);
        }
        if (closed || client.isClosed()) {
            return;
        }
        Socket upstream = new Socket();
        try {
            upstream.connect(new InetSocketAddress(upstreamHost, upstreamPort), 5_000);
            sockets.add(upstream);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        daemon("tcp-proxy-up-" + threads.incrementAndGet(), () -> pump(upstream, client)).start();
        pump(client, upstream);
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                while (mode == Mode.BLACK_HOLE && !closed && !from.isClosed()) {
                    sleep(5); // hold the bytes: nothing goes through until the mode changes
                }
                int delay = latencyMillis;
                if (delay > 0) {
                    sleep(delay);
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (SocketException e) {
            // reset or closed: fall through and close both sides
        } catch (IOException e) {
            // same
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void drain(Socket client) {
        try {
            client.setSoTimeout(50);
            if (client.getInputStream().read(new byte[1024]) < 0) {
                client.close();
            }
        } catch (java.net.SocketTimeoutException e) {
            // nothing arrived; keep waiting
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private void closeQuietly(Socket s) {
        sockets.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // ignore
        }
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
