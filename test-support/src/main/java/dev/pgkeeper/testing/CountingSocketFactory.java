package dev.pgkeeper.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.net.SocketFactory;

/**
 * A pgjdbc socket factory that records every TCP connection attempt, refused ones included, so that a test can
 * count how often a client knocks on a server that is down (the server's own log sees nothing then). Name it in
 * a JDBC URL: {@code socketFactory=dev.pgkeeper.testing.CountingSocketFactory&socketFactoryArg=<client>};
 * pgjdbc makes one factory per connection attempt, passing the argument to the constructor.
 *
 * <p>Thread-safe.
 */
public final class CountingSocketFactory extends SocketFactory {

    /**
     * One connection attempt.
     *
     * @param client   the {@code socketFactoryArg} of the URL that made it
     * @param nanoTime {@link System#nanoTime()} when it started
     */
    public record Attempt(String client, long nanoTime) {
    }

    private static final ConcurrentLinkedQueue<Attempt> ATTEMPTS = new ConcurrentLinkedQueue<>();

    private final String client;

    /** Called by pgjdbc with the URL's {@code socketFactoryArg}. */
    public CountingSocketFactory(String client) {
        this.client = client;
    }

    /** The URL parameters that make pgjdbc connect through this factory, recording attempts as {@code client}. */
    public static String urlParameters(String client) {
        return "socketFactory=" + CountingSocketFactory.class.getName() + "&socketFactoryArg=" + client;
    }

    /** Every attempt recorded since the last {@link #clear()}, in no particular order. */
    public static List<Attempt> attempts() {
        return new ArrayList<>(ATTEMPTS);
    }

    /** Forgets the attempts recorded so far. */
    public static void clear() {
        ATTEMPTS.clear();
    }

    @Override
    public Socket createSocket() {
        return new Socket() {
            @Override
            public void connect(SocketAddress endpoint, int timeout) throws IOException {
                ATTEMPTS.add(new Attempt(client, System.nanoTime()));
                super.connect(endpoint, timeout);
            }
        };
    }

    @Override
    public Socket createSocket(String host, int port) {
        throw connected();
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
        throw connected();
    }

    @Override
    public Socket createSocket(InetAddress host, int port) {
        throw connected();
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
        throw connected();
    }

    /** pgjdbc asks only for unconnected sockets ({@link #createSocket()}), whose connect this factory counts. */
    private static UnsupportedOperationException connected() {
        return new UnsupportedOperationException("pgjdbc creates unconnected sockets");
    }
}
