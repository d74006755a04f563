package dev.terrace.jcache.hibernate;

import java.util.List;
import org.hibernate.boot.registry.selector.SimpleStrategyRegistrationImpl;
import org.hibernate.boot.registry.selector.StrategyRegistration;
import org.hibernate.boot.registry.selector.StrategyRegistrationProvider;
import org.hibernate.cache.spi.RegionFactory;

/** Registers {@link TerraceRegionFactory} under the short name {@code terrace}. */
public final class TerraceStrategyRegistrationProvider implements StrategyRegistrationProvider {

    @Override
    public Iterable<StrategyRegistration<?>> getStrategyRegistrations() {
        return List.of(new SimpleStrategyRegistrationImpl<>(
                RegionFactory.class,
                TerraceRegionFactory.class,
                TerraceRegionFactory.NAME,
                TerraceRegionFactory.class.getName()));
    }
}
