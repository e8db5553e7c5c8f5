package io.castiron.etl.e2e;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import io.fabric8.mockwebserver.http.MockResponse;

/**
 * Fabric8's CRUD mock with its objects indexed by name. The stock dispatcher finds the object a request names by
 * testing every stored object in turn, and a create does so in full (to prove the name is free); with thousands of
 * EtlFiles and Jobs stored that scan was most of the mock's time and grew with every file, a cost a real API server
 * (a keyed store) does not have. Here a request that names an object looks at the objects of that name only. The
 * objects, the answers and the watch events are the stock dispatcher's; lists and watches go to it unchanged.
 */
class IndexedCrudDispatcher extends KubernetesCrudDispatcher {
    private final Map<String, Set<AttributeSet>> byName = new ConcurrentHashMap<>();
    /** Orders a named read against a write, which replaces an object's key in two steps (remove, put). */
    private final ReadWriteLock indexLock = new ReentrantReadWriteLock();
    /** False if a stored key ever differs from the one computed here: then every lookup scans, as stock. */
    private volatile boolean indexed = true;

    IndexedCrudDispatcher(List<CustomResourceDefinitionContext> contexts) {
        super(contexts);
    }

    @Override
    public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
        String name = indexed ? plainValue(query.getAttribute(KubernetesAttributesExtractor.NAME)) : null;
        if (name == null) {
            return super.findResource(query);
        }
        for (AttributeSet key : byName.getOrDefault(name, Set.of())) {
            String value = map.get(key);
            if (value != null && key.matches(query)) {
                return Map.entry(key, value);
            }
        }
        return null;
    }

    /** A GET of one named object; lists, watches and API discovery go to the stock dispatcher. */
    @Override
    public MockResponse handleGet(String path) {
        if (indexed && !path.contains("watch=true")) {
            AttributeSet query = attributeExtractor.fromPath(path);
            if (plainValue(query.getAttribute(KubernetesAttributesExtractor.NAME)) != null) {
                indexLock.readLock().lock();
                try {
                    Map.Entry<AttributeSet, String> found = findResource(query);
                    return found == null ? new MockResponse().setResponseCode(404)
                            : new MockResponse().setResponseCode(200).setBody(found.getValue());
                } finally {
                    indexLock.readLock().unlock();
                }
            }
        }
        return super.handleGet(path);
    }

    /** Every create, update and delete passes here (under the stock dispatcher's write lock). */
    @Override
    public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes,
            GenericKubernetesResource resource, String newState) {
        indexLock.writeLock().lock();
        try {
            super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
            if (oldAttributes != null) {
                unindex(oldAttributes);
            }
            if (newState != null) {
                index(keyOf(pathAttributes, resource, newState));
            }
        } finally {
            indexLock.writeLock().unlock();
        }
    }

    /** Whether lookups use the index (false after a key mismatch: then they scan, as stock). */
    boolean indexed() {
        return indexed;
    }

    @Override
    public void reset() {
        super.reset();
        byName.clear();
    }

    /** The key the stock dispatcher stores a new state under (same steps as its processEvent). */
    private AttributeSet keyOf(AttributeSet pathAttributes, GenericKubernetesResource resource, String newState) {
        var extractor = (KubernetesAttributesExtractor) attributeExtractor;
        AttributeSet key = resource != null ? extractor.extract(resource) : extractor.fromResource(newState);
        if (!key.containsKey(KubernetesAttributesExtractor.PLURAL)) {
            key = AttributeSet.merge(pathAttributes, key);
        }
        return key;
    }

    private void index(AttributeSet key) {
        String name = plainValue(key.getAttribute(KubernetesAttributesExtractor.NAME));
        if (name == null || !map.containsKey(key)) {
            indexed = false;
            return;
        }
        byName.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet()).add(key);
    }

    private void unindex(AttributeSet key) {
        String name = plainValue(key.getAttribute(KubernetesAttributesExtractor.NAME));
        Set<AttributeSet> keys = name == null ? null : byName.get(name);
        if (keys != null) {
            keys.remove(key);
            if (keys.isEmpty()) {
                byName.remove(name);
            }
        }
    }

    /** The single value of an equality attribute, else null (no name, a wildcard, or a selector the index cannot answer). */
    private static String plainValue(Attribute attribute) {
        if (attribute == null || attribute.getType() != AttributeType.WITH || attribute.getValues().size() != 1) {
            return null;
        }
        String value = String.valueOf(attribute.getValues().get(0));
        return value.equals("*") ? null : value;
    }
}
