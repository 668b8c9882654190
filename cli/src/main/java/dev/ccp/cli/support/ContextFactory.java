package dev.ccp.cli.support;

import dev.ccp.cli.CliContext;
import picocli.CommandLine;

import java.lang.reflect.Constructor;

/** Creates commands through their {@code (CliContext)} constructor, so every command sees the injected environment. */
public final class ContextFactory implements CommandLine.IFactory {
    private final CliContext ctx;

    public ContextFactory(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
        Constructor<K> withContext;
        try {
            withContext = cls.getDeclaredConstructor(CliContext.class);
        } catch (NoSuchMethodException e) {
            return CommandLine.defaultFactory().create(cls);
        }
        withContext.setAccessible(true);
        return withContext.newInstance(ctx);
    }
}
