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
import java.util.List;
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
 * <p>{@link #roundRobin(List)} puts several servers behind one address: each accepted connection goes to
 * the next upstream in turn, as a DNS name with several A records, a TCP load balancer or a misconfigured
 * virtual IP would do.
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
        REFUSE_NEW,
        /**
         * Forward what clients send, but drop what servers answer: the server does the work and the client never
         * hears (a reply lost on the way back, as when the network fails between a commit and its answer).
         */
        DROP_REPLIES
    }

    private final List<InetSocketAddress> upstreams;
    private final AtomicInteger nextUpstream = new AtomicInteger();
    private final ServerSocket listener;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger threads = new AtomicInteger();
    private volatile Mode mode = Mode.FORWARD;
    private volatile int latencyMillis;
    private volatile boolean closed;

    private TcpProxy(List<InetSocketAddress> upstreams) throws IOException {
        if (upstreams.isEmpty()) {
            throw new IllegalArgumentException("a proxy needs at least one upstream");
        }
        this.upstreams = List.copyOf(upstreams);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("tcp-proxy-accept-" + listener.getLocalPort(), this::acceptLoop).start();
    }

    /** Starts a proxy in front of {@code host:port}. */
    public static TcpProxy start(String host, int port) {
        return roundRobin(List.of(InetSocketAddress.createUnresolved(host, port)));
    }

    /**
     * Starts a proxy in front of several servers: the first accepted connection goes to the first upstream,
     * the next to the second, and so on, round robin. Open connections stay where they went.
     */
    public static TcpProxy roundRobin(List<InetSocketAddress> upstreams) {
        try {
            return new TcpProxy(upstreams);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start a TCP proxy", e);
        }
    }

    /** Starts a round-robin proxy (see {@link #roundRobin(List)}) in front of {@code servers}, in this order. */
    public static TcpProxy roundRobin(PostgresServer... servers) {
        return roundRobin(java.util.Arrays.stream(servers)
                .map(s -> InetSocketAddress.createUnresolved(s.host(), s.port())).toList());
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
        // What it sent is held, and delivered once the network heals, as TCP's retransmission would.
        java.io.ByteArrayOutputStream held = new java.io.ByteArrayOutputStream();
        while (mode == Mode.BLACK_HOLE && !closed && !client.isClosed()) {
            drain(client, held);
        }
        if (closed || client.isClosed()) {
            return;
        }
        InetSocketAddress target = upstreams.get(Math.floorMod(nextUpstream.getAndIncrement(), upstreams.size()));
        Socket upstream = new Socket();
        try {
            // Both legs without Nagle, as pgjdbc and PostgreSQL run theirs: with it, a forwarded chunk waited for the
            // peer's delayed ACK now and then, and a proxied pool settled at a few hundred transactions per second.
            upstream.setTcpNoDelay(true);
            upstream.connect(new InetSocketAddress(target.getHostString(), target.getPort()), 5_000);
            sockets.add(upstream);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        try {
            client.setSoTimeout(0); // drain() set a short one; a healed connection may idle as long as it likes
            client.setTcpNoDelay(true);
            if (held.size() > 0) {
                upstream.getOutputStream().write(held.toByteArray());
                upstream.getOutputStream().flush();
            }
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        daemon("tcp-proxy-up-" + threads.incrementAndGet(), () -> pump(upstream, client, true)).start();
        pump(client, upstream, false);
    }

    private void pump(Socket from, Socket to, boolean toClient) {
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
                if (toClient && mode == Mode.DROP_REPLIES) {
                    continue;
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

    private void drain(Socket client, java.io.ByteArrayOutputStream held) {
        try {
            client.setSoTimeout(50);
            byte[] buffer = new byte[1024];
            int n = client.getInputStream().read(buffer);
            if (n < 0) {
                closeQuietly(client);
            } else {
                held.write(buffer, 0, n);
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
