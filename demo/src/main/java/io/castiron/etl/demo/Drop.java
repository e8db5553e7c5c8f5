package io.castiron.etl.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import io.minio.MinioClient;
import io.minio.UploadObjectArgs;

/**
 * {@code make drop FILE=path [PIPELINE=name]}: uploads a file into a running demo's pipeline inbox with the MinIO
 * SDK, from the state the demo wrote ({@link DemoState}); no kubectl, no cluster credentials.
 * Arguments: {@code <state folder> <file> [pipeline]}.
 */
public final class Drop {
    private Drop() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: make drop FILE=path [PIPELINE=name]");
            System.exit(2);
        }
        Path file = Path.of(args[1]);
        if (!Files.isRegularFile(file)) {
            System.err.println("make drop: " + file + " is not a file");
            System.exit(2);
        }
        var state = new DemoState(Path.of(args[0])).read();
        List<String> pipelines = Arrays.asList(state.getProperty(DemoState.PIPELINES, "").split(","));
        String pipeline = args.length == 3 && !args[2].isBlank() ? args[2] : pipelines.get(0);
        String bucket = state.getProperty(DemoState.bucketKey(pipeline));
        if (bucket == null) {
            System.err.println("make drop: the demo has no pipeline '" + pipeline + "'; it has " + pipelines);
            System.exit(2);
        }
        String key = state.getProperty(DemoState.inboxKey(pipeline)) + file.getFileName();
        MinioClient.builder().endpoint("http://" + state.getProperty(DemoState.ENDPOINT))
                .credentials(state.getProperty(DemoState.ACCESS_KEY), state.getProperty(DemoState.SECRET_KEY))
                .build()
                .uploadObject(UploadObjectArgs.builder().bucket(bucket).object(key).filename(file.toString()).build());
        System.out.println("dropped " + file + " as s3://" + bucket + "/" + key + " (pipeline " + pipeline + ")");
    }
}
