package io.cocoon.conformance.cri;

import io.cocoon.conformance.cri.v1.Container;
import io.cocoon.conformance.cri.v1.ContainerConfig;
import io.cocoon.conformance.cri.v1.ContainerFilter;
import io.cocoon.conformance.cri.v1.ContainerStatusRequest;
import io.cocoon.conformance.cri.v1.ContainerStatusResponse;
import io.cocoon.conformance.cri.v1.CreateContainerRequest;
import io.cocoon.conformance.cri.v1.ExecSyncRequest;
import io.cocoon.conformance.cri.v1.ExecSyncResponse;
import io.cocoon.conformance.cri.v1.Image;
import io.cocoon.conformance.cri.v1.ImageServiceGrpc;
import io.cocoon.conformance.cri.v1.ImageSpec;
import io.cocoon.conformance.cri.v1.ImageStatusRequest;
import io.cocoon.conformance.cri.v1.ImageStatusResponse;
import io.cocoon.conformance.cri.v1.ListContainersRequest;
import io.cocoon.conformance.cri.v1.ListImagesRequest;
import io.cocoon.conformance.cri.v1.ListPodSandboxRequest;
import io.cocoon.conformance.cri.v1.PodSandbox;
import io.cocoon.conformance.cri.v1.PodSandboxConfig;
import io.cocoon.conformance.cri.v1.PodSandboxStatusRequest;
import io.cocoon.conformance.cri.v1.PodSandboxStatusResponse;
import io.cocoon.conformance.cri.v1.RemoveContainerRequest;
import io.cocoon.conformance.cri.v1.RemovePodSandboxRequest;
import io.cocoon.conformance.cri.v1.RunPodSandboxRequest;
import io.cocoon.conformance.cri.v1.RuntimeServiceGrpc;
import io.cocoon.conformance.cri.v1.StartContainerRequest;
import io.cocoon.conformance.cri.v1.StatusRequest;
import io.cocoon.conformance.cri.v1.StatusResponse;
import io.cocoon.conformance.cri.v1.StopContainerRequest;
import io.cocoon.conformance.cri.v1.StopPodSandboxRequest;
import io.cocoon.conformance.cri.v1.VersionRequest;
import io.cocoon.conformance.cri.v1.VersionResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A small typed client of the Kubernetes CRI v1 API ({@code runtime.v1.RuntimeService} and
 * {@code ImageService}) over a unix socket, as kubelet talks to containerd or CRI-O. Every call
 * carries a deadline: {@code callTimeout} for ordinary calls, a longer one where the call itself
 * waits (RunPodSandbox boots a sandbox, StopContainer waits its grace period, ExecSync runs a
 * command), so no call can hang a test.
 */
public final class CriClient implements AutoCloseable {
    /** Extra time on top of a call's own timeout (stop grace period, exec timeout) for the server's work. */
    private static final Duration MARGIN = Duration.ofSeconds(30);

    private final EventLoopGroup group;
    private final ManagedChannel channel;
    private final RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime;
    private final ImageServiceGrpc.ImageServiceBlockingStub images;
    private final Duration callTimeout;
    private final Duration sandboxTimeout;

    private CriClient(Path socket, Duration callTimeout, Duration sandboxTimeout) {
        if (!Epoll.isAvailable()) throw new IllegalStateException("netty epoll unavailable", Epoll.unavailabilityCause());
        this.callTimeout = callTimeout;
        this.sandboxTimeout = sandboxTimeout;
        this.group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .eventLoopGroup(group)
                .channelType(EpollDomainSocketChannel.class)
                .overrideAuthority("localhost")
                .usePlaintext()
                .maxInboundMessageSize(16 * 1024 * 1024)
                .build();
        this.runtime = RuntimeServiceGrpc.newBlockingStub(channel);
        this.images = ImageServiceGrpc.newBlockingStub(channel);
    }

    /** A client of the CRI server listening on {@code socket} (e.g. containerd's {@code containerd.sock}). */
    public static CriClient connect(Path socket) {
        return connect(socket, Duration.ofSeconds(30), Duration.ofSeconds(120));
    }

    /**
     * @param callTimeout    deadline of an ordinary call
     * @param sandboxTimeout deadline of RunPodSandbox and Stop/RemovePodSandbox (a VM runtime boots a guest there)
     */
    public static CriClient connect(Path socket, Duration callTimeout, Duration sandboxTimeout) {
        return new CriClient(socket, callTimeout, sandboxTimeout);
    }

    private <T> T rt(Duration deadline, Function<RuntimeServiceGrpc.RuntimeServiceBlockingStub, T> call) {
        return call.apply(runtime.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS));
    }

    private <T> T img(Function<ImageServiceGrpc.ImageServiceBlockingStub, T> call) {
        return call.apply(images.withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    public VersionResponse version() {
        return rt(callTimeout, s -> s.version(VersionRequest.newBuilder().setVersion("v1").build()));
    }

    /** Runtime conditions (RuntimeReady, NetworkReady); with verbose, containerd's config as JSON in info. */
    public StatusResponse status(boolean verbose) {
        return rt(callTimeout, s -> s.status(StatusRequest.newBuilder().setVerbose(verbose).build()));
    }

    /** RunPodSandbox with {@code handler} (a key of containerd's runtimes map; "" = the default runtime); the sandbox id. */
    public String runPodSandbox(PodSandboxConfig config, String handler) {
        return rt(sandboxTimeout, s -> s.runPodSandbox(RunPodSandboxRequest.newBuilder()
                .setConfig(config).setRuntimeHandler(handler).build())).getPodSandboxId();
    }

    public void stopPodSandbox(String id) {
        rt(sandboxTimeout, s -> s.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build()));
    }

    public void removePodSandbox(String id) {
        rt(sandboxTimeout, s -> s.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build()));
    }

    public PodSandboxStatusResponse podSandboxStatus(String id, boolean verbose) {
        return rt(callTimeout, s -> s.podSandboxStatus(PodSandboxStatusRequest.newBuilder()
                .setPodSandboxId(id).setVerbose(verbose).build()));
    }

    public List<PodSandbox> listPodSandbox() {
        return rt(callTimeout, s -> s.listPodSandbox(ListPodSandboxRequest.getDefaultInstance())).getItemsList();
    }

    /** CreateContainer in pod {@code podId}; {@code sandboxConfig} is the config the pod was run with. */
    public String createContainer(String podId, ContainerConfig config, PodSandboxConfig sandboxConfig) {
        return rt(sandboxTimeout, s -> s.createContainer(CreateContainerRequest.newBuilder()
                .setPodSandboxId(podId).setConfig(config).setSandboxConfig(sandboxConfig).build())).getContainerId();
    }

    public void startContainer(String id) {
        rt(sandboxTimeout, s -> s.startContainer(StartContainerRequest.newBuilder().setContainerId(id).build()));
    }

    /** StopContainer: the stop signal, then SIGKILL after {@code graceSeconds}. */
    public void stopContainer(String id, long graceSeconds) {
        rt(Duration.ofSeconds(graceSeconds).plus(MARGIN),
                s -> s.stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(graceSeconds).build()));
    }

    public void removeContainer(String id) {
        rt(callTimeout.plus(MARGIN), s -> s.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build()));
    }

    /** Containers of pod {@code podId} (all containers if null). */
    public List<Container> listContainers(String podId) {
        ContainerFilter.Builder f = ContainerFilter.newBuilder();
        if (podId != null) f.setPodSandboxId(podId);
        return rt(callTimeout, s -> s.listContainers(ListContainersRequest.newBuilder().setFilter(f).build())).getContainersList();
    }

    public ContainerStatusResponse containerStatus(String id, boolean verbose) {
        return rt(callTimeout, s -> s.containerStatus(ContainerStatusRequest.newBuilder()
                .setContainerId(id).setVerbose(verbose).build()));
    }

    /** ExecSync: runs {@code cmd} in the container, the runtime ending it after {@code timeout}. */
    public ExecSyncResponse execSync(String id, Duration timeout, String... cmd) {
        return rt(timeout.plus(MARGIN), s -> s.execSync(ExecSyncRequest.newBuilder()
                .setContainerId(id).addAllCmd(List.of(cmd)).setTimeout(Math.max(1, timeout.toSeconds())).build()));
    }

    public List<Image> listImages() {
        return img(s -> s.listImages(ListImagesRequest.getDefaultInstance())).getImagesList();
    }

    /** ImageStatus of {@code ref}: the image, or null when the server does not have it. */
    public Image imageStatus(String ref) {
        ImageStatusResponse r = img(s -> s.imageStatus(ImageStatusRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(ref)).build()));
        return r.hasImage() ? r.getImage() : null;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
