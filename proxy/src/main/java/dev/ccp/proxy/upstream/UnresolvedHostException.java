package dev.ccp.proxy.upstream;

import io.helidon.webclient.api.DnsAddressLookup;
import io.helidon.webclient.spi.DnsResolver;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A provider host with no address. Thrown by {@link #RESOLVER}, the resolver of every provider
 * client: Helidon's own reports the same case as an {@code IllegalArgumentException} with no cause,
 * which only its message would tell apart from any other bad argument.
 */
final class UnresolvedHostException extends RuntimeException {
    private final String host;

    UnresolvedHostException(String host, UnknownHostException cause) {
        super("unknown host " + host, cause, false, false);
        this.host = host;
    }

    String host() {
        return host;
    }

    /** Resolves with the JDK, as Helidon's default does, and says "unknown host" with a type of its own. */
    static final DnsResolver RESOLVER = new DnsResolver() {
        @Override
        public InetAddress resolveAddress(String hostname, DnsAddressLookup lookup) {
            try {
                InetAddress[] found = lookup.filter(InetAddress.getAllByName(hostname));
                if (found.length == 0) {
                    throw new UnresolvedHostException(hostname, new UnknownHostException(hostname));
                }
                return found[0];
            } catch (UnknownHostException e) {
                throw new UnresolvedHostException(hostname, e);
            }
        }
    };
}
