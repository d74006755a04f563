package dev.terrace.jcache.fault.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrace.jcache.internal.tier.DecidedPut;
import dev.terrace.jcache.internal.tier.HeapTier;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TierListener;
import dev.terrace.jcache.internal.tier.TierUnavailableException;
import dev.terrace.jcache.internal.tier.TieredStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A put decided in one step reaches the authority, which applies it, and the answer is lost (Redis killed
 * between its append-only file and its reply; found by the multi-JVM fault suite's {@code KILL_WITH_AOF}). The
 * caller then makes the put as a compute, which the authority, now known to be away, refuses: the caller must
 * learn that the put may or may not be stored, never that it was not applied.
 */
class DecidedPutLostReplyTest {

    /** Applies a decided put, then fails as a call whose reply was lost; refuses computes as an authority away. */
    private static final class LostReplyAuthority extends ForwardingTier<String> {
        boolean down;

        LostReplyAuthority() {
            super(new HeapTier<>(100, Clock.systemUTC(), TierListener.none()));
        }

        @Override
        public boolean isShared() {
            return true;
        }

        @Override
        public boolean decidesPuts() {
            return true;
        }

        @Override
        public DecidedPut.Found putDecided(String key, DecidedPut put) {
            if (down) {
                throw new TierUnavailableException("authority away, nothing sent", null);
            }
            delegate.put(key, put.result(null));
            down = true;
            throw new TierUnavailableException(
                    "authority unreachable", new IllegalStateException("connection closed before the reply"));
        }

        @Override
        public Map<String, DecidedPut.Found> putAllDecided(Map<String, DecidedPut> puts) {
            if (down) {
                throw new TierUnavailableException("authority away, nothing sent", null);
            }
            puts.forEach((key, put) -> delegate.put(key, put.result(null)));
            down = true;
            throw new TierUnavailableException(
                    "authority unreachable", new IllegalStateException("connection closed before the reply"));
        }

        @Override
        public TierEntry compute(String key, UnaryOperator<TierEntry> remapping) {
            throw new TierUnavailableException("authority away, nothing sent", null);
        }
    }

    private static DecidedPut put(String value) {
        long now = System.currentTimeMillis();
        return new DecidedPut(value, now, TierEntry.ETERNAL, DecidedPut.KEEP, false);
    }

    @Test
    void aRefusedFallbackAfterALostReplySaysThePutMayBeStored() {
        LostReplyAuthority authority = new LostReplyAuthority();
        TieredStore<String> store = new TieredStore<>(List.of(authority));

        assertThatThrownBy(() -> store.putDecided("k", put("v"))).isInstanceOf(TierUnavailableException.class);
        assertThat(authority.delegate.get("k").value())
                .as("the authority applied the put")
                .isEqualTo("v");
        assertThatThrownBy(() -> store.compute("k", current -> new TierEntry("v", TierEntry.ETERNAL)))
                .as("the fallback compute is refused, and the caller learns the put's outcome is unknown")
                .isInstanceOf(TierUnavailableException.class)
                .hasMessageContaining("may or may not be stored")
                .hasMessageNotContaining("the change was not applied");
    }

    @Test
    void aBatchOfPutsWhoseReplyWasLostLeavesEachFallbackPutUnconfirmed() {
        LostReplyAuthority authority = new LostReplyAuthority();
        TieredStore<String> store = new TieredStore<>(List.of(authority));
        Map<String, DecidedPut> puts = new LinkedHashMap<>();
        puts.put("a", put("1"));
        puts.put("b", put("2"));

        assertThatThrownBy(() -> store.putAllDecided(puts)).isInstanceOf(TierUnavailableException.class);
        for (String key : puts.keySet()) {
            // The caller puts them one by one: each one step refused with nothing sent, then a refused compute.
            assertThatThrownBy(() -> store.putDecided(key, put("again"))).isInstanceOf(TierUnavailableException.class);
            assertThatThrownBy(() -> store.compute(key, current -> new TierEntry("again", TierEntry.ETERNAL)))
                    .as("key %s: its batch may have been applied", key)
                    .hasMessageContaining("may or may not be stored");
        }
    }

    @Test
    void aPutRefusedWithNothingSentIsReportedAsNotApplied() {
        LostReplyAuthority authority = new LostReplyAuthority();
        authority.down = true;
        TieredStore<String> store = new TieredStore<>(List.of(authority));

        assertThatThrownBy(() -> store.putDecided("k", put("v"))).isInstanceOf(TierUnavailableException.class);
        assertThatThrownBy(() -> store.compute("k", current -> new TierEntry("v", TierEntry.ETERNAL)))
                .isInstanceOf(TierUnavailableException.class)
                .hasMessageContaining("the change was not applied");
        assertThat(authority.delegate.get("k")).isNull();
    }
}
