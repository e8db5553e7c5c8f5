package io.castiron.etl.store;

import java.util.concurrent.ExecutionException;

import com.google.common.collect.Multimap;

import io.minio.CopyObjectArgs;
import io.minio.MinioAsyncClient;
import io.minio.Xml;
import io.minio.messages.CopyObjectResult;
import okhttp3.Response;

/**
 * S3 CopyObject as the one request it is. The SDK's {@code copyObject} first HEADs the source to learn its size (it
 * switches to a multipart copy above 5 GiB), on a thread it starts for the purpose when the machine has two cores
 * or fewer; the callers here already know the size.
 */
final class CopyClient extends MinioAsyncClient {
    /** The largest object one CopyObject request copies; larger ones need a multipart copy. */
    static final long MAX_SINGLE_COPY = 5L * 1024 * 1024 * 1024;

    CopyClient(MinioAsyncClient client) {
        super(client);
    }

    /**
     * Copies an object of at most {@link #MAX_SINGLE_COPY} bytes with the headers the SDK would send; a 200 answer
     * whose body is not a CopyObjectResult (S3 may report a late failure so) fails as well.
     */
    void copy(CopyObjectArgs args) throws Exception {
        checkArgs(args);
        Multimap<String, String> headers = args.genHeaders();
        if (args.metadataDirective() != null) {
            headers.put("x-amz-metadata-directive", args.metadataDirective().name());
        }
        headers.putAll(args.source().genCopyHeaders());
        try (Response response = executePutAsync(args, headers, null, null, 0).get()) {
            Xml.unmarshal(CopyObjectResult.class, response.body().charStream());
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
