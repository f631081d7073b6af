package dev.pgkeeper.internal.url;

import dev.pgkeeper.internal.url.ConnectionUrl.HostPort;
import java.net.IDN;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * Reads the host list of a database URL: one or more {@code host[:port]} entries separated by commas,
 * where a host is a name, an IPv4 address, or an IPv6 address in brackets with an optional zone
 * ({@code [fe80::1%25eth0]}). Reports every bad entry and keeps the good ones.
 *
 * <p>Stateless and thread-safe.
 */
final class HostListParser {

    private static final String IPV6_EXAMPLE = "[2001:db8::1]:5432";

    private HostListParser() {
    }

    /**
     * Reads a host list as written in a URL, still percent-encoded.
     *
     * @return the hosts that are valid, in order; every invalid one is reported to {@code problems}
     */
    static List<HostPort> parse(String hostList, Problems problems) {
        if (hostList.isEmpty()) {
            problems.error("The database URL has no host (Unix-domain sockets are not supported); add one, e.g. "
                    + "postgresql://user@localhost:5432/mydb.");
            return List.of();
        }
        List<HostPort> hosts = new ArrayList<>();
        String[] entries = hostList.split(",", -1);
        for (int i = 0; i < entries.length; i++) {
            HostPort host = parseEntry(entries[i], i + 1, problems);
            if (host != null) {
                hosts.add(host);
            }
        }
        return hosts;
    }

    private static HostPort parseEntry(String entry, int number, Problems problems) {
        if (entry.isEmpty()) {
            problems.error("Entry " + number + " of the host list is empty; remove the extra comma or add the "
                    + "missing host.");
            return null;
        }
        return entry.startsWith("[") ? parseBracketed(entry, problems) : parsePlain(entry, problems);
    }

    private static HostPort parseBracketed(String entry, Problems problems) {
        int close = entry.indexOf(']');
        if (close < 0) {
            problems.error("Host " + MessageText.quote(entry) + " opens an IPv6 address with '[' but does not "
                    + "close it with ']'; write it like " + IPV6_EXAMPLE + ".");
            return null;
        }
        String afterBracket = entry.substring(close + 1);
        if (!afterBracket.isEmpty() && !afterBracket.startsWith(":")) {
            problems.error("Host " + MessageText.quote(entry) + " has " + MessageText.quote(afterBracket)
                    + " after ']', where only ':port' may follow; write it like " + IPV6_EXAMPLE + ".");
            return null;
        }
        String address = ipv6Address(entry.substring(1, close), entry, problems);
        Integer port = port(afterBracket.isEmpty() ? null : afterBracket.substring(1), entry, problems);
        return address == null || port == null ? null : new HostPort(address, port);
    }

    private static HostPort parsePlain(String entry, Problems problems) {
        int colon = entry.indexOf(':');
        if (colon != entry.lastIndexOf(':')) {
            problems.error("Host " + MessageText.quote(entry) + " looks like an IPv6 address without brackets; "
                    + "put the address in brackets, like " + IPV6_EXAMPLE + ".");
            return null;
        }
        if (colon == 0) {
            problems.error("Host " + MessageText.quote(entry) + " has a port but no host name; add the host "
                    + "name before the ':'.");
            return null;
        }
        String name = hostName(colon < 0 ? entry : entry.substring(0, colon), entry, problems);
        Integer port = port(colon < 0 ? null : entry.substring(colon + 1), entry, problems);
        return name == null || port == null ? null : new HostPort(name, port);
    }

    /** Decodes and checks a host name; non-ASCII names are converted to their ASCII ({@code xn--}) form. */
    private static String hostName(String encodedName, String entry, Problems problems) {
        String name = PercentEncoding.decode(encodedName, "Host " + MessageText.quote(entry), problems);
        if (name == null) {
            return null;
        }
        OptionalInt illegal = name.codePoints().filter(cp -> !isHostNameCharacter(cp)).findFirst();
        if (illegal.isPresent()) {
            problems.error("Host " + MessageText.quote(entry) + " contains " + MessageText.describe(illegal.getAsInt())
                    + ", which is not allowed in a host name; use a name such as db.example.com, an IPv4 "
                    + "address, or an IPv6 address in brackets like " + IPV6_EXAMPLE + ".");
            return null;
        }
        if (name.chars().allMatch(c -> c < 0x80)) {
            return name;
        }
        try {
            return IDN.toASCII(name);
        } catch (IllegalArgumentException e) {
            problems.error("Host " + MessageText.quote(entry) + " is not a valid internationalized domain name; "
                    + "check its spelling, or write its ASCII form (xn--...).");
            return null;
        }
    }

    /** Decodes and checks the text between the brackets: an IPv6 address and an optional {@code %zone}. */
    private static String ipv6Address(String encodedAddress, String entry, Problems problems) {
        String address = PercentEncoding.decode(encodedAddress,
                "The IPv6 address in host " + MessageText.quote(entry), problems);
        if (address == null) {
            return null;
        }
        int percent = address.indexOf('%');
        String ip = percent < 0 ? address : address.substring(0, percent);
        if (isIpv6(ip) && (percent < 0 || isZoneId(address.substring(percent + 1)))) {
            return address;
        }
        problems.error("Host " + MessageText.quote(entry) + " is not a valid IPv6 address; write it like "
                + IPV6_EXAMPLE + ", or with a zone like [fe80::1%25eth0]:5432.");
        return null;
    }

    /** The port after a host's ':', or the default when there is no ':'; {@code null} after reporting a bad one. */
    private static Integer port(String text, String entry, Problems problems) {
        if (text == null) {
            return ConnectionUrl.DEFAULT_PORT;
        }
        String problem;
        if (text.isEmpty()) {
            problem = "has ':' but no port after it";
        } else if (!text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            problem = "has port " + MessageText.quote(text) + ", which is not a number";
        } else {
            int port = portNumber(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
            problem = "has port " + MessageText.quote(text) + ", which is out of range";
        }
        problems.error("Host " + MessageText.quote(entry) + " " + problem + "; use a port from 1 to 65535 "
                + "(PostgreSQL's default is 5432), or leave out ':port' to use 5432.");
        return null;
    }

    /** The value of a string of ASCII digits, or -1 when it has more than five significant digits. */
    private static int portNumber(String digits) {
        String significant = digits.replaceFirst("^0+(?=.)", "");
        return significant.length() > 5 ? -1 : Integer.parseInt(significant);
    }

    private static boolean isHostNameCharacter(int codePoint) {
        return Character.isLetterOrDigit(codePoint) || codePoint == '-' || codePoint == '.' || codePoint == '_';
    }

    /**
     * RFC 4291 text form: eight groups of one to four hex digits, where one {@code ::} may stand for a
     * run of zero groups and the last 32 bits may be written as an IPv4 address.
     */
    private static boolean isIpv6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return false;
        }
        List<String> groups = new ArrayList<>();
        if (gap < 0) {
            groups.addAll(groupsOf(text));
        } else {
            groups.addAll(groupsOf(text.substring(0, gap)));
            groups.addAll(groupsOf(text.substring(gap + 2)));
        }
        int bits = 0;
        for (int i = 0; i < groups.size(); i++) {
            String group = groups.get(i);
            boolean endsAddress = i == groups.size() - 1 && text.endsWith(group);
            if (endsAddress && isIpv4(group)) {
                bits += 32;
            } else if (isHexGroup(group)) {
                bits += 16;
            } else {
                return false;
            }
        }
        return gap < 0 ? bits == 128 : bits <= 112;
    }

    private static List<String> groupsOf(String colonSeparated) {
        return colonSeparated.isEmpty() ? List.of() : Arrays.asList(colonSeparated.split(":", -1));
    }

    private static boolean isHexGroup(String group) {
        return !group.isEmpty() && group.length() <= 4 && group.chars().allMatch(HostListParser::isAsciiHexDigit);
    }

    private static boolean isIpv4(String text) {
        String[] octets = text.split("\\.", -1);
        return octets.length == 4 && Arrays.stream(octets).allMatch(octet -> !octet.isEmpty() && octet.length() <= 3
                && octet.chars().allMatch(c -> c >= '0' && c <= '9') && Integer.parseInt(octet) <= 255);
    }

    /** RFC 6874: a zone is one or more unreserved characters, such as {@code eth0} or {@code 3}. */
    private static boolean isZoneId(String zone) {
        return !zone.isEmpty() && zone.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '~' || c == '-');
    }

    private static boolean isAsciiHexDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
