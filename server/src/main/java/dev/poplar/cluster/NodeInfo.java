package dev.poplar.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a node publishes in the membership: its name and where its listeners are reached
 * ("host:port", or "" for a listener it does not run).
 */
public record NodeInfo(String name, String pop3, String lmtp, String auth) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @throws IllegalArgumentException for a value that is not a node's entry */
    public static NodeInfo fromJson(String json) {
        try {
            return JSON.readValue(json, NodeInfo.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a node entry: " + e.getOriginalMessage());
        }
    }
}
