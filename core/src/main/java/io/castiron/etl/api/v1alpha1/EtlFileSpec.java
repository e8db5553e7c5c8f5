package io.castiron.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"pipeline", "bucket", "inboxKey", "originalName", "size", "etag", "lastModified",
        "contentType", "cancel"})
public class EtlFileSpec {
    @JsonPropertyDescription("Name of the EtlPipeline that claimed the file.")
    @Required
    private String pipeline;

    @Required
    private String bucket;

    @JsonPropertyDescription("Object key the file was dropped under.")
    @Required
    private String inboxKey;

    @JsonPropertyDescription("The file's name as uploaded.")
    @Required
    private String originalName;

    private Long size;
    private String etag;

    @JsonPropertyDescription("The object's last-modified time when it was claimed (RFC 3339).")
    private String lastModified;

    private String contentType;

    @JsonPropertyDescription("Set to true to cancel: the Job is deleted and the file moved to the canceled stage.")
    @Default("false")
    private Boolean cancel = false;

    public String getPipeline() {
        return pipeline;
    }

    public void setPipeline(String pipeline) {
        this.pipeline = pipeline;
    }

    public String getBucket() {
        return bucket;
    }

    public void setBucket(String bucket) {
        this.bucket = bucket;
    }

    public String getInboxKey() {
        return inboxKey;
    }

    public void setInboxKey(String inboxKey) {
        this.inboxKey = inboxKey;
    }

    public String getOriginalName() {
        return originalName;
    }

    public void setOriginalName(String originalName) {
        this.originalName = originalName;
    }

    public Long getSize() {
        return size;
    }

    public void setSize(Long size) {
        this.size = size;
    }

    public String getEtag() {
        return etag;
    }

    public void setEtag(String etag) {
        this.etag = etag;
    }

    public String getLastModified() {
        return lastModified;
    }

    public void setLastModified(String lastModified) {
        this.lastModified = lastModified;
    }

    public String getContentType() {
        return contentType;
    }

    public void setContentType(String contentType) {
        this.contentType = contentType;
    }

    public Boolean getCancel() {
        return cancel;
    }

    public void setCancel(Boolean cancel) {
        this.cancel = cancel;
    }
}
