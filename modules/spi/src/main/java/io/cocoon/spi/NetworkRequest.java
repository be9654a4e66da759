package io.cocoon.spi;

import java.nio.file.Path;
import java.util.Map;

/**
 * @param netnsPath the network namespace the engine prepared (podman, CRI), or null
 */
public record NetworkRequest(String containerId, Path stateDir, String netnsPath, Map<String, String> annotations) {}
