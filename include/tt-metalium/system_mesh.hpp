// TT-Metalium <tt-metalium/system_mesh.hpp>: the mesh of chips the system offers. tensim's is the
// system file's mesh (system_mesh_shape), all of it on this host.
#pragma once
#include <tensim/host/mesh.hpp>
#include <tt_stl/assert.hpp>  // TT-Metalium's headers make TT_FATAL / TT_THROW visible

namespace tt::tt_metal::distributed {

class SystemMesh {
public:
    static SystemMesh& instance() {
        static SystemMesh mesh;
        return mesh;
    }
    MeshShape shape() const { return system_mesh_shape(); }
    MeshShape local_shape() const { return system_mesh_shape(); }
    MeshShape get_shape() const { return system_mesh_shape(); }

private:
    SystemMesh() = default;
};

}  // namespace tt::tt_metal::distributed
