package io.cocoon.core.container;

import io.cocoon.core.agent.AgentPayloads;
import io.cocoon.core.config.ConfigLocator;
import io.cocoon.core.log.RuntimeLog;
import io.cocoon.core.log.Timing;
import io.cocoon.core.model.CreateOptions;
import io.cocoon.core.oci.SpecParser;
import io.cocoon.core.plugin.PluginRegistry;
import io.cocoon.core.spec.SpecPipeline;
import io.cocoon.core.state.ContainerError;
import io.cocoon.core.state.ContainerId;
import io.cocoon.spi.SandboxPlan;
import io.cocoon.spi.oci.Spec;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The validating half of {@code create}: the id, the bundle, config.json through the spec
 * handlers into a {@link SandboxPlan}, and the process checks runc makes before it reports
 * create done. Touches nothing on the host, so a failure here leaves nothing to undo.
 */
final class BundleReader {
    /**
     * @param process the spec's process with runc's defaults added (HOME)
     */
    record Read(String id, Path bundle, Path configFile, Spec spec, SandboxPlan plan, Spec.Process process) {}

    private BundleReader() {}

    static Read read(CreateOptions o, PluginRegistry plugins) {
        String id = ContainerId.validate(o.id());
        Path bundle = o.bundle().toAbsolutePath().normalize();
        if (!Files.isDirectory(bundle)) {
            throw ContainerError.invalid("bundle " + bundle + (Files.exists(bundle) ? " is not a directory" : " does not exist"));
        }
        Path configFile = bundle.resolve("config.json");
        Timing.mark("bundle checked");
        Spec spec = SpecParser.read(configFile);
        Timing.mark("config.json parsed");
        SandboxPlan plan = new SpecPipeline(plugins.specHandlers()).plan(id, bundle, spec, new ConfigLocator(bundle));
        Timing.mark("plan built");
        RuntimeLog log = RuntimeLog.get();
        plan.warnings().forEach(log::warn);
        plan.vm().sources().forEach((k, v) -> log.debug("vm " + k + " from " + v));
        if (!plan.privateNetwork()) {
            throw ContainerError.unsupported("linux.namespaces has no network namespace, so the container would share the host's"
                    + " network, which a VM cannot: give it one (a new one, a path, or podman --network bridge/none)");
        }
        Spec.Process process = plan.process();
        if (process.terminal() && o.consoleSocket() == null && o.detached()) {
            throw ContainerError.invalid("cannot allocate tty if cocoon will detach without setting console socket");
        }
        if (!process.terminal() && o.consoleSocket() != null) {
            throw ContainerError.invalid("cannot use console socket if the process does not have a terminal (process.terminal is false)");
        }
        Executables.check(plan.rootfs(), process);
        process = process.withEnv(AgentPayloads.withHome(process.env(), Executables.home(plan.rootfs(), process.user().uid())));
        return new Read(id, bundle, configFile, spec, plan, process);
    }
}
